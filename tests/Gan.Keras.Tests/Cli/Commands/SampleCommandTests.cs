using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class SampleCommandTests
{
    private static string TrainedRun()
    {
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var result = CliRunner.Run("train", "--epochs", "1", "--batch-size", "2000", "--out", run, "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        return run;
    }

    [Fact]
    public void Sample_WritesCsvAndPng_Reproducibly()
    {
        // Given a trained run
        string run = TrainedRun();
        string csv = Path.Combine(run, "s.csv"), csv2 = Path.Combine(run, "s2.csv"), png = Path.Combine(run, "s.png");

        // When 16 samples are drawn twice as CSV (same seed), and 64 as a picture via --n
        var first = CliRunner.Run("sample", "--checkpoint", run, "--n", "16", "--out", csv, "--seed", "4");
        CliRunner.Run("sample", "--checkpoint", Path.Combine(run, "checkpoints"), "--count", "16", "--out", csv2, "--seed", "4");
        var picture = CliRunner.Run("sample", "--checkpoint", run, "--n", "64", "--out", png);

        // Then the CSV has 16 points, is the same both times, and the picture is a scatter plot; the checkpoint was verified
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(17, File.ReadAllLines(csv).Length);
        Assert.Equal(File.ReadAllBytes(csv), File.ReadAllBytes(csv2));
        Assert.Contains("SHA-256 verified", first.Out);
        Assert.Equal(0, picture.ExitCode);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((480, 480), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Sample_RefusesTamperedCheckpoint_WithExit1NamingTheFile()
    {
        // Given a run whose checkpoint file was modified
        string run = TrainedRun();
        string file = Path.Combine(run, "checkpoints", new CheckpointManager(Path.Combine(run, "checkpoints")).Latest!.File);
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(file, bytes);

        // When sampling from it, then it is refused with one line naming the file
        var (code, _, error) = CliRunner.Run("sample", "--checkpoint", run);
        Assert.Equal(1, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(file, error);
        Assert.Contains("SHA-256", error);
    }

    [Fact]
    public void Sample_RefusesLabels_ForAnUnconditionalModel()
    {
        string run = TrainedRun();
        var (code, _, error) = CliRunner.Run("sample", "--checkpoint", run, "--labels", "1,2,3");
        Assert.Equal(2, code);
        Assert.Contains("--labels: this run's model 'mlp-small' is not conditional", error);
    }
}
