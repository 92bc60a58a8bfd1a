using System.Diagnostics;
using System.Globalization;
using System.Reflection;

namespace Gan.Keras.Tests;

/// <summary>Locations the tests need: the repository, the data committed in it, the NuGet cache.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));

    /// <summary>tests/data: golden traces and MNIST t10k, committed with their checksums (tests/data/README.md).</summary>
    public static string Data => Path.Combine(RepositoryRoot, "tests", "data");

    public static string Golden => Path.Combine(Data, "golden");

    public static string Mnist => Path.Combine(Data, "mnist");

    public static string TorchSharpNativeInNuGetCache => Metadata("TorchSharpNativeInNuGetCache");

    /// <summary>The machine's NuGet package cache (global packages folder) the tests were restored from.</summary>
    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    public static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>
    /// A fresh empty folder under this test process's own folder in the system temp folder (<see cref="SessionFolder"/>),
    /// which is deleted at the end of the test run or, when the process is killed mid-run, by the next test process.
    /// </summary>
    public static string NewTempFolder()
    {
        string path = Path.Combine(SessionFolder.Value, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }

    /// <summary>
    /// gan-keras-tests/PID in the temp folder: every temp folder of this test process. Deleted when a test run's last
    /// test has ended (<see cref="TempFoldersTestFramework"/>), not at the process's exit: vstest kills a test host
    /// that does not exit promptly, and a process-exit handler left a full run's 1.3 GB behind. The folders
    /// of test processes that no longer run (killed mid-run, as mutation testing does on a timeout) are deleted when the
    /// next one starts. Without this, a day of test and mutation runs left 16 GB of run folders and filled the disk.
    /// </summary>
    private static readonly Lazy<string> SessionFolder = new(() =>
    {
        string parent = Path.Combine(Path.GetTempPath(), "gan-keras-tests");
        DeleteFoldersOfEndedProcesses(parent);
        string folder = Path.Combine(parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        return folder;
    });

    /// <summary>
    /// Deletes this test process's folder and everything in it, if it made one (a later <see cref="NewTempFolder"/>
    /// makes it again). Called by <see cref="TempFoldersTestFramework"/> when a test run's last test has ended.
    /// </summary>
    internal static void DeleteThisProcesssFolder()
    {
        if (SessionFolder.IsValueCreated)
        {
            TryDelete(SessionFolder.Value);
        }
    }

    /// <summary>
    /// Deletes the folders in <paramref name="parent"/> named by the id of a process that is not running, and the
    /// folders not named by a process id (left by older versions of the tests) that were last written over an hour ago.
    /// </summary>
    internal static void DeleteFoldersOfEndedProcesses(string parent)
    {
        if (!Directory.Exists(parent))
        {
            return;
        }
        foreach (string folder in Directory.GetDirectories(parent))
        {
            bool ended = int.TryParse(Path.GetFileName(folder), NumberStyles.None, CultureInfo.InvariantCulture, out int pid)
                ? !IsRunning(pid)
                : Directory.GetLastWriteTimeUtc(folder) < DateTime.UtcNow.AddHours(-1);
            if (ended)
            {
                TryDelete(folder);
            }
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    // Best effort: a file still open (a child process not yet gone) must not fail a test run at its end.
    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
