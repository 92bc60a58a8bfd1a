using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using Gan.Keras.Export;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Cli.Commands;

public class TrainCommandKillTests
{
    private const int Kills = 20;
    private const int Epochs = 48;
    private readonly ITestOutputHelper output;

    public TrainCommandKillTests(ITestOutputHelper output) => this.output = output;

    [Trait("Category", "Slow")]
    [Fact]
    public void SigkillDuringCheckpointWrites_AlwaysLeavesALoadableCheckpoint_AndResumingEndsBitwiseEqual()
    {
        // Given an uninterrupted reference run (tiny: 5 steps per epoch, one checkpoint per epoch)
        string folder = TestPaths.NewTempFolder();
        string reference = Path.Combine(folder, "reference"), run = Path.Combine(folder, "killed");
        string[] common = { "--epochs", Epochs.ToString(CultureInfo.InvariantCulture), "--batch-size", "2000", "--seed", "3", "--keep", "2" };
        var clock = Stopwatch.StartNew();
        var whole = CliRunner.RunProcess(new[] { "train", "--out", reference, "--quiet" }.Concat(common), TimeSpan.FromMinutes(3));
        Assert.True(whole.ExitCode == 0, whole.Error);

        // When the same run is started, then SIGKILLed at a random moment inside its second checkpoint write (the first completes, so the run advances), and
        // resumed, 20 times over
        var random = new Random(20241127);
        var manager = new CheckpointManager(Path.Combine(run, "checkpoints"));
        double window = 5; // ms; updated from the "Saved ... in X ms" lines
        int lastEpoch = 0, tempFilesLeft = 0, killedBeforeManifest = 0;
        for (int kill = 0; kill < Kills; kill++)
        {
            var args = CheckpointManager.Exists(manager.Directory)
                ? new[] { "train", "--resume", run, "--verbose" }
                : new[] { "train", "--out", run, "--verbose" }.Concat(common).ToArray();
            double delay = random.NextDouble() * window * 1.2;
            int saves = 0;
            using var process = CliRunner.Start(args);
            _ = process.StandardError.ReadToEndAsync();
            bool killed = false;
            string? line;
            while ((line = process.StandardOutput.ReadLine()) is not null)
            {
                var saved = Regex.Match(line, @"^Saved checkpoint .* in ([\d.]+) ms$");
                if (saved.Success) window = double.Parse(saved.Groups[1].Value, CultureInfo.InvariantCulture);
                if (!line.StartsWith("Saving checkpoint", StringComparison.Ordinal) || ++saves < 2) continue;
                var wait = Stopwatch.StartNew();
                while (wait.Elapsed.TotalMilliseconds < delay) Thread.SpinWait(20);
                process.Kill(); // SIGKILL on Linux: no handler, no flush, no cleanup
                killed = true;
                break;
            }
            Assert.True(process.WaitForExit(60_000), "killed process did not exit");
            Assert.True(killed, $"run {kill} ended before it could be killed (exit {process.ExitCode}); raise Epochs");

            // Then the newest checkpoint in the manifest always verifies (size, SHA-256) and loads, never going back
            if (Directory.GetFiles(manager.Directory, "*.tmp").Length > 0) tempFilesLeft++;
            var onDisk = Directory.GetFiles(manager.Directory, "ckpt-*.safetensors").Select(f => int.Parse(Path.GetFileName(f)[5..11], CultureInfo.InvariantCulture)).DefaultIfEmpty(0).Max();
            if (!CheckpointManager.Exists(manager.Directory)) continue; // killed inside the very first write: nothing to resume yet
            if (onDisk > manager.Latest!.Epoch) killedBeforeManifest++;
            using (var checkpoint = manager.LoadLatest())
            {
                Assert.True(checkpoint.Epoch >= lastEpoch, $"checkpoint went back from epoch {lastEpoch} to {checkpoint.Epoch}");
                lastEpoch = checkpoint.Epoch;
            }
        }

        // And the run, resumed to the end, has exactly the reference's weights
        var rest = CliRunner.RunProcess(new[] { "train", "--resume", run, "--quiet" }, TimeSpan.FromMinutes(3));
        Assert.True(rest.ExitCode == 0, rest.Error);
        var (expected, _) = SafeTensorsFile.Load(Path.Combine(reference, "weights.safetensors"));
        var (actual, _) = SafeTensorsFile.Load(Path.Combine(run, "weights.safetensors"));
        foreach (var (name, tensor) in expected)
            Assert.True(tensor.bytes.SequenceEqual(actual[name].bytes), $"'{name}' differs from the uninterrupted run");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{Kills} SIGKILLs in {clock.Elapsed.TotalSeconds:F1}s: {tempFilesLeft} left a half-written temporary file, {killedBeforeManifest} hit between the file rename and the manifest update; last checkpoint epoch {lastEpoch} of {Epochs}; save window ≈ {window:F1} ms."));
    }
}
