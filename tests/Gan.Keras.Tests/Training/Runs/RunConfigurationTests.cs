using System.Text.Json.Nodes;
using Gan.Keras.Training.Runs;
using Xunit;

namespace Gan.Keras.Tests.Training.Runs;

public class RunConfigurationTests
{
    [Fact]
    public void SavedRunJson_LoadsBackAsAConfiguration_WithFormatAndSampleShape()
    {
        // Given a run's settings as a run writes them (format and sample shape included, out left out)
        string path = Path.Combine(TestPaths.NewTempFolder(), "run.json");
        var written = new RunConfiguration { Data = "shapes", Model = "dcgan", BatchSize = 32, ImageSize = 16, Channels = 3, Out = "elsewhere", SampleShape = new long[] { 3, 16, 16 } };
        written.Save(path);

        // When the file is read back as a configuration
        var read = RunConfiguration.Load(path);

        // Then every setting survives, the format is marked, and out is not part of the file
        Assert.Equal(RunConfiguration.CurrentFormat, read.Format);
        Assert.Equal(("shapes", "dcgan", 32, 16, 3), (read.Data, read.Model, read.BatchSize, read.ImageSize, read.Channels));
        Assert.Equal(new long[] { 3, 16, 16 }, read.SampleShape);
        Assert.Null(read.Out);
        Assert.Contains("\"batch-size\": 32", File.ReadAllText(path), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"epochz\": 3}", "Config file 'my.json' has unknown key 'epochz'")]
    [InlineData("{\"epochs\": \"three\"}", "'epochs' has a value of the wrong type")]
    [InlineData("{\"epochs\": 0}", "setting 'epochs' must be positive (got 0)")]
    [InlineData("{\"format\": \"gan-keras.run.v9\"}", "'format' is 'gan-keras.run.v9'")]
    [InlineData("[1, 2]", "is not a JSON object of settings")]
    [InlineData("{\"model\": \"resnet\"}", "Unknown setting 'model' 'resnet'")]
    public void Parse_RefusesBadFiles_NamingTheFileAndKey(string json, string expected)
    {
        var error = Assert.Throws<RunConfigurationException>(() => RunConfiguration.Parse(json, "my.json"));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal("my.json", error.File);
    }

    [Fact]
    public void Describe_WordsTheSameErrorWithAnotherNameForEachSetting()
    {
        // Given settings whose image size is given for 2-D data
        var configuration = new RunConfiguration { Data = "ring8", ImageSize = 32 };

        // When they are checked
        var error = Assert.Throws<RunConfigurationException>(() => configuration.Validate());

        // Then the library names keys, and a front end can name its flags
        Assert.Equal("image-size", error.Setting);
        Assert.StartsWith("setting 'image-size' and setting 'channels' apply to image data", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("--image-size and --channels apply to image data, but --data ring8", error.Describe(key => "--" + key), StringComparison.Ordinal);
    }

    [Fact]
    public void Overrides_TakePrecedenceOverTheFile()
    {
        var read = RunConfiguration.Parse("{\"epochs\": 5, \"seed\": 1}", "c.json", new JsonObject { ["epochs"] = 9 });

        Assert.Equal((9, 1L), (read.Epochs, read.Seed));
    }

    [Fact]
    public void ResumeWith_KeepsTheRunsSettings_AndRefusesOnesThatDefineIt()
    {
        // Given a saved run
        var saved = new RunConfiguration { Data = "ring8", Model = "mlp-small", Epochs = 10, Device = "cpu" };
        string folder = TestPaths.NewTempFolder();

        // When it is resumed with a new device and keep, with its own model, and with another dtype
        var resumed = saved.ResumeWith(new JsonObject { ["device"] = "auto", ["keep"] = 7, ["model"] = "mlp-small", ["epochs"] = 99 }, folder);
        var error = Assert.Throws<RunConfigurationException>(() => saved.ResumeWith(new JsonObject { ["dtype"] = "float64" }, folder));

        // Then the resumable settings change, the planned epochs stay, and the dtype is refused by name
        Assert.Equal(("auto", 7, 10, folder), (resumed.Device, resumed.Keep, resumed.Epochs, resumed.Out));
        Assert.Equal("dtype", error.Setting);
        Assert.StartsWith("--dtype float64 differs from the run being resumed (dtype float32", error.Describe(key => "--" + key), StringComparison.Ordinal);
    }

    [Fact]
    public void Keys_AreTheJsonNamesOfTheRecord()
    {
        Assert.Equal(new[] { "format", "data", "model", "loss", "epochs", "batch-size", "seed", "device", "dtype", "out", "keep", "image-size", "channels", "sample-shape" }, RunConfiguration.Keys);
    }

    [Fact]
    public void CreateGan_BuildsThePresetAndCompilesItWithTheLossDefaults()
    {
        using var gan = new RunConfiguration { Data = "ring8", Loss = "wgan-gp" }.CreateGan(new long[] { 2 });

        Assert.Equal(5, gan.DiscriminatorSteps);
        Assert.IsType<Gan.Keras.Optimizers.Adam>(gan.DiscriminatorOptimizer);
        Assert.Equal(16, gan.LatentDim);
    }

    [Fact]
    public void CreateGan_BuildsEveryLayerUnderTheMixedPolicy_WithFloat32Storage()
    {
        // Given a mixed_float16 run of the 28×28 DCGAN
        var configuration = new RunConfiguration { Data = "mnist", Model = "dcgan", Dtype = "mixed_float16" };

        // When its GAN is built
        using var gan = configuration.CreateGan(new long[] { 1, 28, 28 });

        // Then every layer computes in float16, the run stores float32, the optimizers scale the loss, and the global policy is back to float32
        Assert.All(gan.Generator.Layers.Concat(gan.Discriminator.Layers), l => Assert.Equal(Gan.Keras.Layers.DtypePolicy.MixedFloat16, l.DtypePolicy));
        Assert.Equal(TorchSharp.torch.ScalarType.Float32, configuration.ResolveDtype());
        Assert.NotNull(gan.DiscriminatorOptimizer.LossScale);
        Assert.Equal(Gan.Keras.Layers.DtypePolicy.Float32, Gan.Keras.Layers.DtypePolicy.Global);
    }

    [Fact]
    public void Parse_RefusesAKeyGivenTwice_AsARunConfigurationError()
    {
        var error = Assert.Throws<RunConfigurationException>(() => RunConfiguration.Parse("{\"epochs\": 3, \"epochs\": 4}", "twice.json"));

        Assert.Contains("Config file 'twice.json' is not a JSON object of settings", error.Message, StringComparison.Ordinal);
    }
}
