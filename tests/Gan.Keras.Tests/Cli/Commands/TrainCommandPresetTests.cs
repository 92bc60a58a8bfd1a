using Gan.Keras.Callbacks;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class TrainCommandPresetTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public void Conditional_TrainsOnLabelledImages_DrawsOneRowPerClass_AndSampleTakesLabels()
    {
        // Given a tiny labelled 28x28 data set
        string mnist = TinyMnist.Write(64);
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");

        // When the conditional preset trains one epoch, then samples 2 of each of the labels 3, 1, 4
        var train = CliRunner.Run("train", "--data", "mnist:" + mnist, "--model", "conditional", "--epochs", "1", "--batch-size", "32", "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);
        string png = Path.Combine(run, "labels.png");
        var sample = CliRunner.Run("sample", "--checkpoint", run, "--labels", "3,1,4", "--n", "2", "--out", png);

        // Then the run's picture is a 10x10 grid (one row per class) and the sample a 3-row, 2-column grid
        Assert.True(sample.ExitCode == 0, sample.Error);
        using (var grid = SKBitmap.Decode(Path.Combine(run, "samples.png"))) Assert.Equal((10 * 58 + 2, 10 * 58 + 2), (grid.Width, grid.Height));
        using (var labelled = SKBitmap.Decode(png)) Assert.Equal((2 * 58 + 2, 3 * 58 + 2), (labelled.Width, labelled.Height));
        var outOfRange = CliRunner.Run("sample", "--checkpoint", run, "--labels", "12");
        Assert.Equal(2, outOfRange.ExitCode);
        Assert.Contains("outside the model's classes 0..9", outOfRange.Error);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Dcgan_WithWganGp_TakesFiveCriticStepsAndLogsThePenalty()
    {
        // Given 160 tiny images and the DCGAN preset with the WGAN-GP loss (5 critic steps of 16 per step)
        string mnist = TinyMnist.Write(160);
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");

        // When it trains one epoch
        var (code, output, error) = CliRunner.Run("train", "--data", "mnist:" + mnist, "--model", "dcgan", "--loss", "wgan-gp", "--epochs", "1", "--batch-size", "16", "--out", run);

        // Then each epoch had 160 / (5 x 16) = 2 steps and the gradient penalty was logged
        Assert.True(code == 0, error);
        Assert.Contains("Epoch 1/1  2/2", output);
        Assert.Contains("d_penalty", CsvLogger.ReadRows(Path.Combine(run, "history.csv"))[0].Logs.Keys);
    }

    [Theory]
    [InlineData("Model 'mlp' is the article's MNIST MLP", "--model", "mlp")]
    [InlineData("Model 'dcgan' is a convolutional preset for images", "--model", "dcgan")]
    public void ImagePresets_RaiseClearError_On2DData(string expected, params string[] args)
    {
        var (code, _, error) = CliRunner.Run(new[] { "train", "--data", "ring8", "--out", TestPaths.NewTempFolder() }.Concat(args).ToArray());
        Assert.Equal(2, code);
        Assert.Contains(expected, error);
    }
}
