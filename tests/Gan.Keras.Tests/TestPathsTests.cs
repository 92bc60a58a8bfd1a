using System.Diagnostics;
using System.Globalization;
using Xunit;

namespace Gan.Keras.Tests;

public class TestPathsTests
{
    [Fact]
    public void NewTempFolder_IsAFreshFolder_InThisTestProcesssOwnFolder()
    {
        // When
        string first = TestPaths.NewTempFolder();
        string second = TestPaths.NewTempFolder();

        // Then both exist, empty and distinct, under gan-keras-tests/<this process's id>
        Assert.NotEqual(first, second);
        Assert.Empty(Directory.EnumerateFileSystemEntries(first));
        string session = Path.GetDirectoryName(first)!;
        Assert.Equal(session, Path.GetDirectoryName(second));
        Assert.Equal(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), Path.GetFileName(session));
        Assert.Equal("gan-keras-tests", Path.GetFileName(Path.GetDirectoryName(session)));
    }

    [Fact]
    public void DeleteFoldersOfEndedProcesses_DeletesTheFoldersOfEndedProcessesAndOldUnnamedOnes_KeepsTheRest()
    {
        // Given folders of an ended process, of this running process, and two not named by a process id, one old
        string parent = TestPaths.NewTempFolder();
        string ended = Folder(parent, EndedProcessId().ToString(CultureInfo.InvariantCulture));
        string running = Folder(parent, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
        string oldUnnamed = Folder(parent, "0123456789abcdef");
        Directory.SetLastWriteTimeUtc(oldUnnamed, DateTime.UtcNow.AddHours(-2));
        string recentUnnamed = Folder(parent, "fedcba9876543210");

        // When
        TestPaths.DeleteFoldersOfEndedProcesses(parent);

        // Then
        Assert.False(Directory.Exists(ended));
        Assert.False(Directory.Exists(oldUnnamed));
        Assert.True(Directory.Exists(running));
        Assert.True(Directory.Exists(recentUnnamed));
    }

    [Fact]
    public void ATestRun_DeletesItsTestProcesssFolder_WhenItsLastTestHasEnded()
    {
        // Given a child test run of one test that makes temp folders, with a temp folder of its own
        string temp = TestPaths.NewTempFolder();
        string assembly = typeof(TestPathsTests).Assembly.Location;
        string oneTest = $"FullyQualifiedName={typeof(TestPathsTests).FullName}.{nameof(NewTempFolder_IsAFreshFolder_InThisTestProcesssOwnFolder)}";

        // When
        var (exitCode, output) = Build.DotnetCommand.Run(
            Path.GetDirectoryName(assembly)!, TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["TMPDIR"] = temp },
            "test", assembly, "--filter", oneTest);

        // Then the test ran and made its folder (gan-keras-tests/<its process id>), and nothing of it is left
        Assert.True(exitCode == 0, output);
        Assert.Matches(@"Passed:\s+1,", output);
        string parent = Path.Combine(temp, "gan-keras-tests");
        Assert.True(Directory.Exists(parent), output);
        Assert.Empty(Directory.EnumerateFileSystemEntries(parent));
    }

    private static string Folder(string parent, string name)
    {
        string folder = Path.Combine(parent, name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "run.json"), "{}");
        return folder;
    }

    private static int EndedProcessId()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        process.WaitForExit();
        return process.Id;
    }
}
