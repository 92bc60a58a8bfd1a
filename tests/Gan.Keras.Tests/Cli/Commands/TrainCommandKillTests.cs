using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Gan.Keras.Callbacks;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training.Runs;
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

    [Fact]
    [Trait("Category", "Slow")]
    public void SigkillDuringHistoryRunFileSampleAndReportWrites_NeverLeavesAHalfWrittenFile()
    {
        // Given a short run (5 steps per epoch) and, per file, what an uninterrupted command writes
        string folder = TestPaths.NewTempFolder();
        string run = Path.Combine(folder, "run");
        Directory.CreateDirectory(run);
        string[] common = { "--epochs", "30", "--batch-size", "2000", "--seed", "3" };
        var random = new Random(20241128);
        var clock = Stopwatch.StartNew();
        var landed = new Dictionary<string, (int Kills, int MidWrite)>();

        // When gan train is SIGKILLed at random moments inside its history.csv writes (one per epoch), then resumed, 6 times
        for (int kill = 0; kill < 6; kill++)
        {
            var args = CheckpointManager.Exists(Path.Combine(run, "checkpoints"))
                ? new[] { "train", "--resume", run, "--quiet" }
                : new[] { "train", "--out", run, "--quiet" }.Concat(common).ToArray();
            Record(landed, "history.csv", KillInsideWrite(args, run, "history.csv", occurrence: random.Next(2, 6), random));

            // Then history.csv always reads back whole: a header and one complete row per epoch, 1, 2, 3, ... in order
            var rows = CsvLogger.ReadRows(Path.Combine(run, "history.csv"));
            Assert.Equal(Enumerable.Range(0, rows.Count), rows.Select(r => r.Epoch));
            Assert.All(rows, r => Assert.True(r.Logs.Count >= 4, $"epoch {r.Epoch} has {r.Logs.Count} values"));
        }

        // When a resume is killed inside its rewrite of run.json, 4 times
        Assert.True(CheckpointManager.Exists(Path.Combine(run, "checkpoints")), "no checkpoint after the history.csv kills");
        for (int kill = 0; kill < 4; kill++)
        {
            string before = File.ReadAllText(Path.Combine(run, "run.json"));
            Record(landed, "run.json", KillInsideWrite(new[] { "train", "--resume", run, "--epochs", "1", "--quiet" }, run, "run.json", occurrence: 1, random));

            // Then run.json loads, and is the old file or the complete new one (which differs only in its planned epochs)
            string after = File.ReadAllText(Path.Combine(run, "run.json"));
            _ = RunConfiguration.Load(Path.Combine(run, "run.json"));
            Assert.True(after == before || WithoutEpochs(after) == WithoutEpochs(before), $"run.json changed into something else: {after}");
        }

        // When gan sample --out and gan eval --out are killed inside their writes over an existing file, 5 times each
        var finish = CliRunner.RunProcess(new[] { "train", "--resume", run, "--epochs", "1", "--quiet" }, TimeSpan.FromMinutes(3));
        Assert.True(finish.ExitCode == 0, finish.Error);
        string picture = Path.Combine(folder, "grid.png"), report = Path.Combine(folder, "report.json");
        byte[] expectedPicture = Reference(new[] { "sample", "--checkpoint", run, "--n", "400", "--seed", "5", "--out" }, Path.Combine(folder, "expected.png"));
        string[] evalArgs = { "eval", Path.Combine(run, "weights.safetensors"), "--samples", "500", "--json", "--out" };
        byte[] expectedReport = Reference(evalArgs, report);
        byte[] oldPicture = Reference(new[] { "sample", "--checkpoint", run, "--n", "400", "--seed", "6", "--out" }, Path.Combine(folder, "old.png"));
        byte[] oldReport = "{}\n"u8.ToArray();
        for (int kill = 0; kill < 5; kill++)
        {
            File.WriteAllBytes(picture, oldPicture);
            Record(landed, "grid.png", KillInsideWrite(new[] { "sample", "--checkpoint", run, "--n", "400", "--seed", "5", "--out", picture }, folder, "grid.png", occurrence: 1, random));
            File.WriteAllBytes(report, oldReport);
            Record(landed, "report.json", KillInsideWrite(evalArgs.Append(report).ToArray(), folder, "report.json", occurrence: 1, random));

            // Then each file holds its old content or the whole new content, never a part
            byte[] pictureNow = File.ReadAllBytes(picture), reportNow = File.ReadAllBytes(report);
            Assert.True(pictureNow.SequenceEqual(oldPicture) || pictureNow.SequenceEqual(expectedPicture), $"grid.png is neither the old nor the new picture ({pictureNow.Length} bytes)");
            Assert.True(reportNow.SequenceEqual(oldReport) || reportNow.SequenceEqual(expectedReport), $"report.json is neither the old nor the new report: {System.Text.Encoding.UTF8.GetString(reportNow)}");
        }

        // And the kills did land inside the writes (a temporary file left behind means the kill came before the rename)
        foreach (var (file, (kills, midWrite)) in landed)
        {
            output.WriteLine($"{file}: {kills} kills during a write, {midWrite} before its rename");
            Assert.True(kills > 0, $"no kill landed while {file} was being written");
        }
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"in {clock.Elapsed.TotalSeconds:F1}s"));

        static string WithoutEpochs(string json)
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
            node.Remove("epochs");
            return node.ToJsonString();
        }

        byte[] Reference(string[] args, string path)
        {
            var done = CliRunner.RunProcess(args.Append(path), TimeSpan.FromMinutes(3));
            Assert.True(done.ExitCode == 0, done.Error);
            return File.ReadAllBytes(path);
        }
    }

    private static void Record(Dictionary<string, (int Kills, int MidWrite)> landed, string file, (bool Killed, bool MidWrite) result)
    {
        var (kills, midWrite) = landed.GetValueOrDefault(file);
        landed[file] = (kills + (result.Killed ? 1 : 0), midWrite + (result.MidWrite ? 1 : 0));
    }

    /// <summary>
    /// Runs <c>gan ARGS</c> and SIGKILLs it 0–2 ms after the <paramref name="occurrence"/>-th temporary file of
    /// <paramref name="fileName"/> appears in <paramref name="folder"/> (AtomicFile's <c>.NAME.PID.GUID.tmp</c>): inside the
    /// write, its flush or just after its rename. Returns whether it was killed and whether the temporary file was left.
    /// </summary>
    private static (bool Killed, bool MidWrite) KillInsideWrite(string[] args, string folder, string fileName, int occurrence, Random random)
    {
        foreach (var stale in Directory.GetFiles(folder, $".{fileName}.*.tmp")) File.Delete(stale);
        double delay = random.NextDouble() * 2;
        int seen = 0;
        bool killed = false;
        Process? process = null;
        using var watcher = new FileSystemWatcher(folder, $".{fileName}.*.tmp") { NotifyFilter = NotifyFilters.FileName };
        watcher.Created += (_, _) =>
        {
            if (Interlocked.Increment(ref seen) != occurrence) return;
            var wait = Stopwatch.StartNew();
            while (wait.Elapsed.TotalMilliseconds < delay) Thread.SpinWait(20);
            try
            {
                process!.Kill(); // SIGKILL on Linux: no handler, no flush, no cleanup
                killed = true;
            }
            catch (InvalidOperationException)
            {
                // It had already exited.
            }
        };
        // Watching before the process starts, so that no write is missed.
        watcher.EnableRaisingEvents = true;
        process = CliRunner.Start(args);
        using var started = process;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        Assert.True(process.WaitForExit(180_000), $"gan {string.Join(' ', args)} did not finish");
        watcher.EnableRaisingEvents = false;
        return (killed, killed && Directory.GetFiles(folder, $".{fileName}.*.tmp").Length > 0);
    }
}
