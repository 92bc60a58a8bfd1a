using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Tests.Training.Distributed;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Cli.Training;

/// <summary><c>gan train</c> under <c>mpirun -np 2</c>: what rank 0 writes, resuming, and a rank that fails or dies.</summary>
public class DistributedSessionTests(ITestOutputHelper output)
{
    // ring8 has 10,000 points: 2 ranks × 500 = 10 steps per epoch.
    private static readonly string[] Small = { "--data", "ring8", "--batch-size", "500", "--seed", "3" };

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void TwoRanks_OnlyRankZeroWrites_AndTheCheckpointResumesInTwoProcessesAndInOne()
    {
        // Given a 2-epoch run of 2 ranks with per-rank batch 500, and a copy of its folder
        MpiRun.SkipUnlessAvailable();
        string folder = TestPaths.NewTempFolder();
        string run = Path.Combine(folder, "two-ranks"), copy = Path.Combine(folder, "resumed-alone"), reference = Path.Combine(folder, "uninterrupted");
        var first = MpiRun.Run(2, MpiRun.GanDll, new[] { "train", "--out", run, "--epochs", "2" }.Concat(Small), TimeSpan.FromMinutes(2));
        Assert.True(first.ExitCode == 0, first.Out + first.Error);
        int eventFiles = Directory.GetFiles(Path.Combine(run, "tensorboard"), "events.*", SearchOption.AllDirectories).Length;
        CopyFolder(run, copy);

        // When it is resumed for a third epoch by 2 ranks, the copy by one process, and 2 ranks train 3 epochs without a break
        var again = MpiRun.Run(2, MpiRun.GanDll, new[] { "train", "--resume", run, "--epochs", "1" }, TimeSpan.FromMinutes(2));
        var alone = CliRunner.Run("train", "--resume", copy, "--epochs", "1", "--quiet");
        var whole = MpiRun.Run(2, MpiRun.GanDll, new[] { "train", "--out", reference, "--epochs", "3", "--quiet" }.Concat(Small), TimeSpan.FromMinutes(2));

        // Then rank 0 alone printed and wrote (one start line, one history row per epoch, one event file)
        Assert.True(again.ExitCode == 0, again.Out + again.Error);
        Assert.True(alone.ExitCode == 0, alone.Out + alone.Error);
        Assert.True(whole.ExitCode == 0, whole.Out + whole.Error);
        Assert.Single(Regex.Matches(first.Out, "^.*Training ring8 .*2 ranks over mpi, global batch 1000", RegexOptions.Multiline));
        Assert.Equal(1, eventFiles);
        Assert.Equal(3 + 1, File.ReadAllLines(Path.Combine(run, "history.csv")).Length);
        // And both resumed runs continued from the 2-rank checkpoint to epoch 3, the 2-rank one bit for bit as if never stopped
        using (var resumed = new CheckpointManager(Path.Combine(run, "checkpoints")).LoadLatest()) Assert.Equal(3, resumed.Epoch);
        using (var resumedAlone = new CheckpointManager(Path.Combine(copy, "checkpoints")).LoadLatest()) Assert.Equal(3, resumedAlone.Epoch);
        Assert.Equal(File.ReadAllBytes(Path.Combine(reference, "weights.safetensors")), File.ReadAllBytes(Path.Combine(run, "weights.safetensors")));
        Assert.Equal(File.ReadAllLines(Path.Combine(reference, "history.csv")), File.ReadAllLines(Path.Combine(run, "history.csv")));
        output.WriteLine($"2-rank run resumed at epoch 2: weights and history identical to an uninterrupted 2-rank run; resumed alone: {File.ReadAllLines(Path.Combine(copy, "history.csv"))[^1]}");
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void ARankThatFails_StopsEveryRank_WithOneLine()
    {
        // Given rank 0 with good settings and rank 1 whose data folder does not exist (rank 0 then waits for it in the first broadcast)
        MpiRun.SkipUnlessAvailable();
        string folder = TestPaths.NewTempFolder();
        string[] good = new[] { "train", "--out", Path.Combine(folder, "run"), "--epochs", "2" }.Concat(Small).ToArray();
        string[] bad = good.Select(a => a == "ring8" ? "mnist:" + Path.Combine(folder, "missing") : a).ToArray();

        // When both start
        var result = MpiRun.RunApps(new[] { (1, MpiRun.GanDll, good), (1, MpiRun.GanDll, bad) }, TimeSpan.FromMinutes(2));

        // Then rank 1 says in one line what failed, and mpirun stops the run with the exit code one process gives for it (1, a runtime error)
        output.WriteLine(result.Error);
        var lines = result.Error.Split('\n').Where(l => l.Contains("gan: error:", StringComparison.Ordinal)).ToArray();
        var line = Assert.Single(lines);
        Assert.StartsWith("gan: error: rank 1 of 2: ", line, StringComparison.Ordinal);
        Assert.EndsWith("Stopping every rank (MPI_Abort).", line.TrimEnd(), StringComparison.Ordinal);
        Assert.Equal(1, result.ExitCode);
        // (Open MPI adds its own "MPI_ABORT was invoked on rank 1" banner, but not always: it races the abort itself.)
        Assert.DoesNotContain("Done in", result.Out, StringComparison.Ordinal);
    }

    [SkippableFact]
    [Trait("Category", "Slow")]
    public void ARankKilled_StopsEveryRankWithinSeconds_AndTheLastCheckpointStaysLoadable()
    {
        // Given a long 2-rank run that has written its second checkpoint
        MpiRun.SkipUnlessAvailable();
        Skip.IfNot(OperatingSystem.IsLinux(), "finds the ranks' processes through /proc");
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        using var mpirun = MpiRun.Start(2, MpiRun.GanDll, new[] { "train", "--out", run, "--epochs", "1000", "--verbose" }.Concat(Small));
        var stderr = mpirun.StandardError.ReadToEndAsync();
        int saved = 0;
        string? line;
        while ((line = mpirun.StandardOutput.ReadLine()) is not null && saved < 2)
            if (line.Contains("Saved checkpoint", StringComparison.Ordinal)) saved++;
        Assert.Equal(2, saved);
        var ranks = MpiRun.RankProcesses(mpirun);
        Assert.True(ranks.ContainsKey(1), $"rank 1 not found among mpirun's children: {string.Join(", ", ranks)}");

        // When rank 1 is killed (SIGKILL: no handler, no goodbye)
        var clock = Stopwatch.StartNew();
        Process.GetProcessById(ranks[1]).Kill();
        _ = mpirun.StandardOutput.ReadToEndAsync();
        bool ended = mpirun.WaitForExit(60_000);
        clock.Stop();
        if (!ended) mpirun.Kill(entireProcessTree: true);

        // Then mpirun stops rank 0 too within seconds, names the dead rank in one line, and the newest checkpoint loads
        Assert.True(ended, "mpirun did not stop within 60 s after a rank was killed");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"every rank stopped {clock.Elapsed.TotalSeconds:F2} s after rank 1 was killed; mpirun exit code {mpirun.ExitCode}"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        Assert.NotEqual(0, mpirun.ExitCode);
        Assert.Matches("mpirun noticed that process rank 1 with PID \\d+ on node \\S+ exited on signal 9 \\(Killed\\)", stderr.Result);
        Assert.False(ranks.TryGetValue(0, out int rank0) && IsAlive(rank0), "rank 0 is still running");
        using var checkpoint = new CheckpointManager(Path.Combine(run, "checkpoints")).LoadLatest();
        Assert.True(checkpoint.Epoch >= 2, $"checkpoint epoch {checkpoint.Epoch}");
    }

    /// <summary>Whether the process runs: it exists and is not a zombie (a container's init may never reap it).</summary>
    private static bool IsAlive(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].FirstOrDefault() is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.GetFiles(from, "*", SearchOption.AllDirectories))
        {
            string target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
