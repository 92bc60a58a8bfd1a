using Gan.Keras.Training.Runs;
using System.Globalization;
using System.Text.Json;
using Gan.Keras.Cli.Training;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class TrainCommandColourTests
{
    [Trait("Category", "Slow")]
    [Theory]
    [InlineData("mlp", 32)]
    [InlineData("mlp-small", 32)]
    [InlineData("dcgan", 32)]
    [InlineData("conditional", 32)]
    [InlineData("mlp", 64)]
    [InlineData("mlp-small", 64)]
    [InlineData("dcgan", 64)]
    [InlineData("conditional", 64)]
    public void TrainSampleEval_WorkOnAFolderOfColourImages_ForEveryPreset(string model, int side)
    {
        // Given a folder of 32 colour PNGs of side x side in two class subfolders
        string data = ColourFolder.Write(32, side);
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");

        // When each preset trains one epoch (2 steps), samples 4 images and is evaluated on 10 ResNet-18 samples
        var train = CliRunner.Run("train", "--data", data, "--model", model, "--epochs", "1", "--batch-size", "16", "--out", run, "--quiet");
        Assert.True(train.ExitCode == 0, train.Error);
        string png = Path.Combine(run, "four.png");
        var sample = CliRunner.Run("sample", "--checkpoint", run, "--n", "4", "--out", png);
        var eval = CliRunner.Run("eval", run, "--resnet-samples", "10", "--json");

        // Then the run recorded RGB samples, its pictures are colour grids, and eval reports the ResNet-18 metrics
        Assert.True(sample.ExitCode == 0, sample.Error);
        Assert.True(eval.ExitCode == 0, eval.Error);
        var shape = RunConfiguration.Load(RunFolder.ConfigurationPath(run)).SampleShape!;
        Assert.Equal(model.StartsWith("mlp", StringComparison.Ordinal) ? new long[] { 3L * side * side } : new long[] { 3, side, side }, shape);
        using (var grid = SKBitmap.Decode(Path.Combine(run, "samples.png")))
            Assert.True(HasColour(grid), "samples.png is gray");
        using (var drawn = SKBitmap.Decode(png))
        {
            // A conditional run draws --n images of each of its 10 classes, one row per class.
            int cell = 2 * side + 2;
            Assert.Equal(model == "conditional" ? (4 * cell + 2, 10 * cell + 2) : (2 * cell + 2, 2 * cell + 2), (drawn.Width, drawn.Height));
            Assert.True(HasColour(drawn), "gan sample drew gray images");
        }
        using var json = JsonDocument.Parse(eval.Out.Trim().Split('\n')[^1]);
        var metrics = json.RootElement.GetProperty("metrics");
        Assert.Equal(10, metrics.GetProperty("resnet18_samples").GetInt32());
        Assert.True(metrics.GetProperty("fid_resnet18").GetDouble() > 0);
        Assert.InRange(metrics.GetProperty("recall_resnet18").GetDouble(), 0, 1);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Train_ResizesAndConvertsShapes_WithImageSizeAndChannels_AndRecordsThemForResume()
    {
        // Given the built-in shapes in colour at 16x16
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");

        // When the DCGAN trains one epoch on them (10,000 shapes: the batch size keeps it to 2 steps)
        var train = CliRunner.Run("train", "--data", "shapes", "--channels", "3", "--image-size", "16", "--model", "dcgan", "--epochs", "1", "--batch-size", "5000", "--out", run, "--quiet");

        // Then the samples were [3, 16, 16], run.json keeps both settings, and a resume with another size is refused
        Assert.True(train.ExitCode == 0, train.Error);
        var saved = RunConfiguration.Load(RunFolder.ConfigurationPath(run));
        Assert.Equal(new long[] { 3, 16, 16 }, saved.SampleShape);
        Assert.Equal((16, 3), (saved.ImageSize, saved.Channels));
        var resume = CliRunner.Run("train", "--resume", run, "--image-size", "32");
        Assert.Equal(2, resume.ExitCode);
        Assert.Contains("--image-size 32 differs from the run being resumed", resume.Error);
    }

    [Fact]
    public void Train_WithStream_GivesTheSameWeightsAsInMemory()
    {
        // Given a folder of 48 colour 16x16 images
        string data = ColourFolder.Write(48, 16);
        string inMemory = Path.Combine(TestPaths.NewTempFolder(), "run");
        string streamed = Path.Combine(TestPaths.NewTempFolder(), "run");

        // When the DCGAN trains 2 epochs on it loaded into memory, and read from disk batch by batch
        var first = CliRunner.Run("train", "--data", data, "--model", "dcgan", "--epochs", "2", "--batch-size", "16", "--out", inMemory, "--quiet");
        var second = CliRunner.Run("train", "--data", data, "--model", "dcgan", "--epochs", "2", "--batch-size", "16", "--out", streamed, "--quiet", "--stream");

        // Then both runs end with the same weights, byte for byte
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.True(second.ExitCode == 0, second.Error);
        Assert.Equal(File.ReadAllBytes(Path.Combine(inMemory, "weights.safetensors")), File.ReadAllBytes(Path.Combine(streamed, "weights.safetensors")));
    }

    [Theory]
    [InlineData(null, 3, 32)]
    [InlineData("1", 1, 32)]
    public void Train_TakesCifar10Binaries_WithTheDcganAt32_InColourOrGray(string? channels, int expectedChannels, int side)
    {
        // Given CIFAR-10's five training files with 8 records each (40 colour images)
        string root = TestPaths.NewTempFolder();
        for (int i = 1; i <= 5; i++) File.WriteAllBytes(Path.Combine(root, $"data_batch_{i}.bin"), Data.Cifar10Tests.Records(8, k => (byte)k));
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");

        // When the DCGAN trains one epoch on them (with --channels when given)
        var args = new List<string> { "train", "--data", "cifar10:" + root, "--model", "dcgan", "--epochs", "1", "--batch-size", "20", "--out", run, "--quiet" };
        if (channels is not null) args.AddRange(new[] { "--channels", channels });
        var train = CliRunner.Run(args.ToArray());

        // Then it built the preset for [channels, 32, 32]
        Assert.True(train.ExitCode == 0, train.Error);
        Assert.Equal(new long[] { expectedChannels, side, side }, RunConfiguration.Load(RunFolder.ConfigurationPath(run)).SampleShape);
    }

    [Theory]
    [InlineData(new[] { "--model", "dcgan", "--image-size", "48" }, "builds square images of side 8, 14, 16, 28, 32, 56, 64, 112, 128")]
    [InlineData(new[] { "--channels", "2" }, "--channels must be 1 (gray) or 3 (colour) (got 2)")]
    [InlineData(new[] { "--image-size", "4" }, "--image-size must be from 8 to 4096 pixels (got 4)")]
    public void Train_RaisesOneLineError_ForImageSettingsThatCannotWork(string[] args, string expected)
    {
        var (code, _, error) = CliRunner.Run(new[] { "train", "--data", "shapes", "--epochs", "1", "--out", TestPaths.NewTempFolder() }.Concat(args).ToArray());

        Assert.Equal(2, code);
        Assert.Contains(expected, error);
        Assert.Single(error.Trim().Split('\n'));
    }

    [Fact]
    public void Train_RefusesImageSettings_On2DData()
    {
        var (code, _, error) = CliRunner.Run("train", "--data", "ring8", "--image-size", "32", "--out", TestPaths.NewTempFolder());

        Assert.Equal(2, code);
        Assert.Contains("--image-size and --channels apply to image data", error);
    }

    // A gray rendering has R = G = B in every pixel; even an untrained generator's colour channels differ somewhere.
    private static bool HasColour(SKBitmap bitmap)
    {
        for (int y = 0; y < bitmap.Height; y++)
            for (int x = 0; x < bitmap.Width; x++)
            {
                var c = bitmap.GetPixel(x, y);
                if (c.Red != c.Green || c.Green != c.Blue) return true;
            }
        return false;
    }
}
