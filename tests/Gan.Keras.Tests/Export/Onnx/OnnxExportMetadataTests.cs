using System.Reflection;
using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Onnx;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>
/// What an exported file says about itself (<c>metadata_props</c>, producer, doc string), which a server reads to feed
/// and picture the generator without Gan.Keras: each key is present exactly when its fact applies, with its value.
/// </summary>
public class OnnxExportMetadataTests
{
    [Fact]
    public void UnconditionalGan_WithTrainedWeights_WritesExactlyItsFacts()
    {
        // Given an unconditional GAN without a weight average, whose samples are declared to lie in [-0.5, 2.25]
        using var gan = FlatGan(latentDim: 5, features: 4);
        gan.OutputRange = (-0.5, 2.25);

        // When it is exported
        byte[] bytes = OnnxExporter.ExportGeneratorToBytes(gan);
        var metadata = Metadata(bytes);

        // Then the file holds these keys and no others: no class count and no codes, as the GAN has neither
        Assert.Equal(
            new Dictionary<string, string>
            {
                ["gan_keras.latent_dim"] = "5",
                ["gan_keras.sample_shape"] = "4",
                ["gan_keras.weights"] = "trained",
                ["gan_keras.output_range"] = "-0.5,2.25",
            },
            metadata);
    }

    [Fact]
    public void ExportInfo_HasNoClassCount_ForAnUnconditionalGan()
    {
        // Given an unconditional GAN
        using var gan = FlatGan(latentDim: 5, features: 4);
        string path = Path.Combine(TestPaths.NewTempFolder(), "generator.onnx");

        // When it is exported to a file
        var info = gan.ExportGenerator(path);

        // Then the returned description says so, and that the trained weights were used
        Assert.Null(info.NumClasses);
        Assert.False(info.UsesEmaWeights);
        Assert.Equal(5, info.LatentDim);
        Assert.Equal(new long[] { 4 }, info.SampleShape);
        Assert.Equal(new FileInfo(path).Length, info.Bytes);
    }

    [Fact]
    public void InfoGan_ListsTheCodesAServerMustDraw_InTheirOrder()
    {
        // Given a generator of [latent, categorical code with 3 categories, uniform code of 2 in [-2, 0.5]]
        var latent = Keras.Input([4], name: "latent");
        var category = Keras.Input([3], name: "digit");
        var style = Keras.Input([2], name: "style");
        var generator = new Functional([latent, category, style], new Dense(6, "tanh").Call(new Concatenate().Call(latent, category, style)), name: "generator");
        using var gan = new GanModel(generator, Discriminator(6),
            [GeneratorInput.Latent(4), GeneratorInput.CategoricalCode(3, "digit"), GeneratorInput.UniformCode(2, -2, 0.5, "style")], seed: 1);

        // When it is exported
        var metadata = Metadata(OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the codes are listed as name:categorical:K and name:uniform:low:high:dim, ';'-separated; no class count
        Assert.Equal("digit:categorical:3;style:uniform:-2:0.5:2", metadata["gan_keras.codes"]);
        Assert.False(metadata.ContainsKey("gan_keras.num_classes"));
        Assert.Equal("-1,1", metadata["gan_keras.output_range"]);
    }

    [Fact]
    public void ProducerVersion_IsTheLibrarysInformationalVersion()
    {
        // Given the library's informational version, as its assembly carries it
        string version = typeof(GanModel).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        using var gan = FlatGan(latentDim: 3, features: 2);

        // When a generator is exported
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the file names Gan.Keras and that version as its producer
        Assert.Equal("Gan.Keras", model.ProducerName);
        Assert.False(string.IsNullOrWhiteSpace(version));
        Assert.Equal(version, model.ProducerVersion);
    }

    [Fact]
    public void DocString_DescribesTheInputsAndOutput_OfAnUnconditionalGenerator()
    {
        // Given an unconditional GAN with latent size 5 and samples of 4 features
        using var gan = FlatGan(latentDim: 5, features: 4);

        // When it is exported
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the doc string names the generator, its input and its output with Keras-style shapes, and no label range
        Assert.Equal("Generator 'flat' exported by Gan.Keras: latent (None, 5) -> samples (None, 4).", model.DocString);
    }

    [Fact]
    public void DocString_GivesTheLabelRange_OnlyOnTheLabelsInput()
    {
        // Given a conditional GAN of 3 classes (labels [batch]) with latent size 2 and samples of 4 features
        var generator = new Sequential(new Layer[] { new Dense(4, "tanh") }, inputShape: new long[] { 2 + 3 }, name: "conditional");
        using var gan = new ConditionalGanModel(generator, Discriminator(4 + 3), latentDim: 2, numClasses: 3, seed: 1);

        // When it is exported
        var model = ModelProto.Parser.ParseFrom(OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the labels input carries the valid range 0..2, the latent input none
        Assert.Equal("Generator 'conditional' exported by Gan.Keras: latent (None, 2), labels (None) (0..2) -> samples (None, 4).", model.DocString);
        Assert.Equal("3", Metadata(OnnxExporter.ExportGeneratorToBytes(gan))["gan_keras.num_classes"]);
    }

    private static Dictionary<string, string> Metadata(byte[] model) =>
        ModelProto.Parser.ParseFrom(model).MetadataProps.ToDictionary(p => p.Key, p => p.Value);

    private static GanModel FlatGan(int latentDim, int features)
    {
        RandomSeed.Set(4);
        var generator = new Sequential(new Layer[] { new Dense(8, "relu"), new Dense(features) }, inputShape: new long[] { latentDim }, name: "flat");
        return new GanModel(generator, Discriminator(features), latentDim, seed: 1);
    }

    private static Sequential Discriminator(int features) =>
        new(new Layer[] { new Dense(1) }, inputShape: new long[] { features }, name: "discriminator");
}
