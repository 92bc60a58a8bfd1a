using Gan.Keras.Training.Runs;
using Xunit;

namespace Gan.Keras.Tests.Training.Runs;

public class RunFolderTests
{
    [Fact]
    public void Locate_FindsTheRun_FromItsFolderOrACheckpointFile_AndRefusesOtherFolders()
    {
        // Given a folder with a run.json and a checkpoint file
        string run = TestPaths.NewTempFolder();
        new RunConfiguration().Save(RunFolder.ConfigurationPath(run));
        Directory.CreateDirectory(Path.Combine(run, RunFolder.CheckpointFolderName));
        string file = Path.Combine(run, RunFolder.CheckpointFolderName, "ckpt-000001.safetensors");
        File.WriteAllBytes(file, new byte[] { 0 });

        // When it is located from the folder, from the file, and an empty folder is located
        var fromFolder = RunFolder.Locate(run, out string? noFile);
        var fromFile = RunFolder.Locate(file, out string? checkpoint);
        var error = Assert.Throws<ArgumentException>(() => RunFolder.Locate(TestPaths.NewTempFolder(), out _));

        // Then both find the run, only the file names a checkpoint, and the empty folder is refused
        Assert.Equal(Path.GetFullPath(run), fromFolder.Path);
        Assert.Equal(Path.GetFullPath(run), fromFile.Path);
        Assert.Null(noFile);
        Assert.Equal(Path.GetFullPath(file), checkpoint);
        Assert.Contains("is not a training run", error.Message, StringComparison.Ordinal);
    }
}
