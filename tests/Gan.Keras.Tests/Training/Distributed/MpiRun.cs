using System.Diagnostics;
using Xunit;

namespace Gan.Keras.Tests.Training.Distributed;

/// <summary>
/// Starts programs under Open MPI's <c>mpirun -np N</c> on this machine, the ranks talking TCP over the loopback
/// interface (as ranks on separate machines would, minus the wire). Tests skip with one reason when <c>mpirun</c> is
/// not on PATH (fail with <c>GAN_KERAS_NO_SKIPS=1</c>, as in CI: <see cref="OptionalTools"/>).
/// </summary>
internal static class MpiRun
{
    public const string SkipReason = "mpirun is not on PATH: install Open MPI (apt-get install -y openmpi-bin libopenmpi-dev) to run the distributed tests.";

    private static readonly Lazy<string?> Launcher = new(() => Find("mpirun"));

    /// <summary>Gets the path of mpirun, or null.</summary>
    public static string? Mpirun => Launcher.Value;

    /// <summary>Skips the calling test when mpirun is missing.</summary>
    public static void SkipUnlessAvailable() => OptionalTools.SkipUnless(Mpirun is not null, SkipReason);

    /// <summary>The test-support program every rank runs (built beside the tests).</summary>
    public static string HostDll => Path.Combine(AppContext.BaseDirectory, "gan-mpi-host.dll");

    /// <summary>The gan CLI built beside the tests.</summary>
    public static string GanDll => Path.Combine(AppContext.BaseDirectory, "gan.dll");

    /// <summary>Starts <c>mpirun -np <paramref name="ranks"/> dotnet <paramref name="dll"/> ARGS</c> with redirected output.</summary>
    public static Process Start(int ranks, string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null) =>
        StartApps(new[] { (ranks, dll, args.ToArray()) }, environment);

    /// <summary>Starts one mpirun job of several programs (<c>mpirun -np 1 A : -np 1 B</c>): ranks are numbered across them in order.</summary>
    public static Process StartApps(IReadOnlyList<(int Ranks, string Dll, string[] Args)> apps, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(Mpirun ?? throw new InvalidOperationException(SkipReason))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // CI runs as root; --oversubscribe lets a 1-core machine run 2 ranks; no core binding, and ranks that yield the core
        // while they wait in a collective, on a shared machine.
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT"] = "1";
        info.Environment["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1";
        info.Environment["TERM"] = "dumb";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        foreach (var arg in new[] { "--oversubscribe", "--bind-to", "none",
                     "--mca", "btl", "self,tcp", "--mca", "btl_tcp_if_include", "lo", "--mca", "oob_tcp_if_include", "lo", "--mca", "mpi_yield_when_idle", "1" })
            info.ArgumentList.Add(arg);
        for (int i = 0; i < apps.Count; i++)
        {
            if (i > 0) info.ArgumentList.Add(":");
            info.ArgumentList.Add("-np");
            info.ArgumentList.Add(apps[i].Ranks.ToString(System.Globalization.CultureInfo.InvariantCulture));
            info.ArgumentList.Add(DotnetHost);
            info.ArgumentList.Add(apps[i].Dll);
            foreach (var arg in apps[i].Args) info.ArgumentList.Add(arg);
        }
        return Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
    }

    /// <summary>Runs to completion; kills the whole process tree after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Out, string Error, TimeSpan Elapsed) Run(int ranks, string dll, IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null) =>
        RunApps(new[] { (ranks, dll, args.ToArray()) }, timeout, environment);

    /// <summary>Runs one mpirun job of several programs to completion; kills the whole process tree after <paramref name="timeout"/>.</summary>
    public static (int ExitCode, string Out, string Error, TimeSpan Elapsed) RunApps(IReadOnlyList<(int Ranks, string Dll, string[] Args)> apps, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var clock = Stopwatch.StartNew();
        using var process = StartApps(apps, environment);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"mpirun {string.Join(" : ", apps.Select(a => $"-np {a.Ranks} {Path.GetFileName(a.Dll)} {string.Join(' ', a.Args)}"))} did not finish within {timeout}.");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result, clock.Elapsed);
    }

    /// <summary>Runs <c>dotnet <paramref name="dll"/> ARGS</c> as one plain process (no mpirun).</summary>
    public static (int ExitCode, string Out, string Error) RunSingle(string dll, IEnumerable<string> args, TimeSpan timeout)
    {
        var info = new ProcessStartInfo(DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(dll);
        foreach (var arg in args) info.ArgumentList.Add(arg);
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"dotnet {Path.GetFileName(dll)} {string.Join(' ', args)} did not finish within {timeout}.");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The process ids of the ranks <paramref name="mpirun"/> started, by rank (read from /proc: children and their OMPI_COMM_WORLD_RANK).</summary>
    public static Dictionary<int, int> RankProcesses(Process mpirun)
    {
        var ranks = new Dictionary<int, int>();
        foreach (var folder in Directory.GetDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(folder), out int pid)) continue;
            try
            {
                var parent = File.ReadLines(Path.Combine(folder, "status")).FirstOrDefault(l => l.StartsWith("PPid:", StringComparison.Ordinal));
                if (parent is null || int.Parse(parent[5..].Trim(), System.Globalization.CultureInfo.InvariantCulture) != mpirun.Id) continue;
                var rank = File.ReadAllText(Path.Combine(folder, "environ")).Split('\0').FirstOrDefault(v => v.StartsWith("OMPI_COMM_WORLD_RANK=", StringComparison.Ordinal));
                if (rank is not null) ranks[int.Parse(rank["OMPI_COMM_WORLD_RANK=".Length..], System.Globalization.CultureInfo.InvariantCulture)] = pid;
            }
            catch (IOException)
            {
                // The process ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
        return ranks;
    }

    private static string DotnetHost =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : Find("dotnet") ?? "dotnet";

    private static string? Find(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, program))
            .FirstOrDefault(File.Exists);
}
