using Gan.Keras.Models.Presets;
using Gan.Keras.Data;
using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

public class OnnxExporterTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string, long[]> Presets => new()
    {
        { "mlp", new long[] { 784 } },
        { "mlp-small", new long[] { 2 } },
        { "dcgan", new long[] { 1, 28, 28 } },
        { "dcgan", new long[] { 3, 32, 32 } },
        { "dcgan", new long[] { 3, 64, 64 } },
        { "conditional", new long[] { 1, 28, 28 } },
    };

    [Theory]
    [MemberData(nameof(Presets))]
    public void EveryPreset_MatchesGenerate_AtBatchSizes1And257(string preset, long[] sampleShape)
    {
        // Given a preset's GAN with non-trivial batch-normalisation statistics, exported to ONNX
        RandomSeed.Set(11);
        using var gan = ModelPresets.Create(preset, sampleShape, seed: 11);
        PerturbNormalization(gan.Generator);
        byte[] model = OnnxExporter.ExportGeneratorToBytes(gan);
        using var onnx = new OnnxRunner(model);

        foreach (int batch in new[] { 1, 257 })
        {
            // When ONNX Runtime and Generate get the same latent vectors (and labels)
            using var scope = torch.NewDisposeScope();
            var z = torch.randn(new long[] { batch, gan.LatentDim }, generator: new torch.Generator(5));
            torch.Tensor expected, actual;
            if (gan is ConditionalGanModel conditional)
            {
                var labels = torch.randint(0, conditional.NumClasses, new long[] { batch }, torch.int64, generator: new torch.Generator(6));
                expected = conditional.GenerateFrom(z, labels);
                actual = onnx.Run(z, labels);
            }
            else
            {
                expected = gan.GenerateFrom(z);
                actual = onnx.Run(z);
            }

            // Then they agree to 1e-5
            Assert.Equal(expected.shape, actual.shape);
            double delta = (expected - actual).abs().max().item<float>();
            Assert.True(delta <= Tolerance, $"{preset} {string.Join('x', sampleShape)} batch {batch}: max |Δ| {delta:E2}");
        }
    }

    [Fact]
    public void Export_UsesTheEmaWeights_WhenTheModelAveragesThem()
    {
        // Given a GAN trained for a few steps with a fast moving average, so the average differs from the weights
        using var gan = TinyGan.Create();
        gan.GeneratorEmaDecay = 0.5;
        using var data = TinyGan.Data();
        gan.Fit(data, epochs: 1, batchSize: 64);
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 32, gan.LatentDim }, generator: new torch.Generator(3));

        // When it is exported
        var path = Path.Combine(Path.GetTempPath(), $"gan-keras-ema-{Guid.NewGuid():N}.onnx");
        try
        {
            var info = gan.ExportGenerator(path);
            using var onnx = new OnnxRunner(File.ReadAllBytes(path));

            // Then ONNX Runtime gives Generate's (averaged) output, not the trained weights' output
            var averaged = gan.GenerateFrom(z);
            var trained = gan.Generator.Call(z, training: false);
            var actual = onnx.Run(z);
            Assert.True(info.UsesEmaWeights);
            Assert.True((averaged - actual).abs().max().item<float>() <= Tolerance);
            Assert.True((trained - actual).abs().max().item<float>() > 1e-3, "the trained weights' output should differ from the average's");
            Assert.Equal("ema", onnx.Session.ModelMetadata.CustomMetadataMap["gan_keras.weights"]);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Graph_HasADynamicBatch_Opset17_AndDescribesItself()
    {
        // Given a conditional DCGAN exported to bytes
        RandomSeed.Set(1);
        using var gan = ModelPresets.Create("conditional", new long[] { 1, 28, 28 }, seed: 1);

        // When ONNX Runtime loads it
        using var onnx = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the batch dimension is symbolic, labels are int64 and the metadata names the shapes
        var latent = onnx.Session.InputMetadata["latent"];
        var labels = onnx.Session.InputMetadata["labels"];
        var samples = onnx.Session.OutputMetadata["samples"];
        Assert.Equal(new[] { -1, 64 }, latent.Dimensions);
        Assert.Equal("batch", latent.SymbolicDimensions[0]);
        Assert.Equal(typeof(long), labels.ElementType);
        Assert.Equal(new[] { -1, 1, 28, 28 }, samples.Dimensions);
        var metadata = onnx.Session.ModelMetadata.CustomMetadataMap;
        Assert.Equal("64", metadata["gan_keras.latent_dim"]);
        Assert.Equal("10", metadata["gan_keras.num_classes"]);
        Assert.Equal("1,28,28", metadata["gan_keras.sample_shape"]);
        Assert.Equal("Gan.Keras", onnx.Session.ModelMetadata.ProducerName);
        Assert.Equal(17, OnnxExporter.Opset);
        var graph = global::Onnx.ModelProto.Parser.ParseFrom(OnnxExporter.ExportGeneratorToBytes(gan));
        Assert.Equal(17, graph.OpsetImport.Single().Version);
        Assert.Contains(graph.Graph.Node, n => n.Name == "dense_0/Gemm");
        Assert.Contains(graph.Graph.Node, n => n.Name == "conv2d_transpose_0/ConvTranspose");
    }

    [Fact]
    public void EveryBuiltInLayer_MatchesInference()
    {
        // Given a generator that uses every built-in layer and activation, in configurations with asymmetric padding,
        // cropping and extending transposed convolutions, both upsampling modes and a spectrally normalised kernel
        RandomSeed.Set(21);
        var layers = new List<Layer>
        {
            new Dense(48, "selu"), new GaussianNoise(0.3), new Dropout(0.5), new BatchNormalization(center: false),
            new Activation("gelu"), new Reshape(new long[] { 3, -1, 4 }),
            new Conv2D(8, 4, strides: 1, padding: "same", activation: "elu"),
            new Conv2D(8, 5, strides: 2, padding: "same", activation: "swish"),
            new BatchNormalization(scale: false, momentum: 0.9, epsilon: 1e-5),
            new UpSampling2D(2), new LeakyReLU(0.1),
            new Conv2DTranspose(6, 3, strides: 2, padding: "valid", activation: "softplus"),
            new Conv2DTranspose(6, 2, strides: 3, padding: "valid", activation: "leaky_relu"),
            new Conv2DTranspose(5, 4, strides: 2, padding: "same", useBias: false),
            new UpSampling2D((1, 2), interpolation: "bilinear"),
            new SpectralNormalization(new Conv2D(4, 3, padding: "valid", activation: "sigmoid")),
            new ReLU(), new Flatten(), new SpectralNormalization(new Dense(12, "silu")), new Dense(10, "softmax"), new Activation("tanh"), new Dense(7),
        };
        using var gan = Wrap(layers, latentDim: 6);
        PerturbNormalization(gan.Generator);
        using var onnx = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 9, 6 }, generator: new torch.Generator(2));

        // When both run the same latent vectors
        var expected = gan.GenerateFrom(z);
        var actual = onnx.Run(z);

        // Then they agree
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((expected - actual).abs().max().item<float>() <= Tolerance, $"max |Δ| {(expected - actual).abs().max().item<float>():E2}");
    }

    [Fact]
    public void Embedding_LooksUpTruncatedIndices_AsTheLayerDoes()
    {
        // Given a generator whose first layer embeds its input (indices given as floats), then a Dense on a rank-3 input
        RandomSeed.Set(4);
        using var gan = Wrap(new Layer[] { new Embedding(5, 3), new Dense(4, "relu"), new Flatten(), new Dense(2) }, latentDim: 2);
        using var onnx = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));
        using var scope = torch.NewDisposeScope();
        var indices = torch.tensor(new float[] { 0, 4, 2.7f, 1, 3.2f, 0.5f }, new long[] { 3, 2 });

        // When both run
        var expected = gan.GenerateFrom(indices);
        var actual = onnx.Run(indices);

        // Then they agree
        Assert.True((expected - actual).abs().max().item<float>() <= Tolerance);
    }

    [Fact]
    public void Export_RefusesACustomLayerByName_BeforeWritingAnything()
    {
        // Given a generator with a layer the exporter does not know, and an existing file at the destination
        using var gan = Wrap(new Layer[] { new Dense(8, "relu"), new Doubling(name: "my_doubling"), new Dense(2) }, latentDim: 3);
        var path = Path.Combine(Path.GetTempPath(), $"gan-keras-refused-{Guid.NewGuid():N}.onnx");
        File.WriteAllText(path, "old");
        try
        {
            // When it is exported
            var error = Assert.Throws<OnnxExportException>(() => gan.ExportGenerator(path));

            // Then the error names the layer and the file is untouched, with no temporary file beside it
            Assert.Equal("my_doubling", error.LayerName);
            Assert.Contains("'my_doubling' (Doubling)", error.Message, StringComparison.Ordinal);
            Assert.Contains("No file was written", error.Message, StringComparison.Ordinal);
            Assert.Equal("old", File.ReadAllText(path));
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(path)}*"));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Export_RefusesASubclassedModel_WhoseCallIsCode()
    {
        // Given a generator that is a subclassed Model
        RandomSeed.Set(2);
        var generator = new TwoBranches();
        generator.Build(new long[] { 3 });
        using var gan = new GanModel(generator, new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 2 }), latentDim: 3);

        // When it is exported, then the error says why
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportGeneratorToBytes(gan));
        Assert.Contains("a subclassed Model whose Call is C# code", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Float64Model_ExportsAFloat32Graph()
    {
        // Given a model moved to float64
        using var gan = TinyGan.Create();
        gan.To(torch.float64);
        using var onnx = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 4, gan.LatentDim }, generator: new torch.Generator(1));

        // When both run, then the float32 graph matches the float64 model to float32 precision
        Assert.True((gan.GenerateFrom(z) - onnx.Run(z)).abs().max().item<float>() <= Tolerance);
    }

    [Fact]
    public void MixedPrecisionModel_ExportsFloat32Weights_MatchingTheFloat32Computation()
    {
        // Given the 28×28 DCGAN built under mixed_bfloat16, with moved batch-normalisation statistics
        RandomSeed.Set(11);
        GanModel gan;
        using (DtypePolicy.UseGlobal(DtypePolicy.MixedBFloat16)) gan = ModelPresets.Create("dcgan", new long[] { 1, 28, 28 }, seed: 11);
        using var owner = gan;
        PerturbNormalization(gan.Generator);
        var graph = global::Onnx.ModelProto.Parser.ParseFrom(OnnxExporter.ExportGeneratorToBytes(gan));
        using var onnx = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 8, gan.LatentDim }, generator: new torch.Generator(5));

        // When the graph runs beside the model's bfloat16 computation and the same weights in float32
        var actual = onnx.Run(z);
        var mixed = gan.GenerateFrom(z);
        var float32 = Float32Copy(gan).GenerateFrom(z);

        // Then every weight in the file is float32 and the graph computes in float32, not in bfloat16
        Assert.All(graph.Graph.Initializer.Where(i => i.DataType is (int)global::Onnx.TensorProto.Types.DataType.Float or (int)global::Onnx.TensorProto.Types.DataType.Bfloat16 or (int)global::Onnx.TensorProto.Types.DataType.Float16),
            i => Assert.Equal((int)global::Onnx.TensorProto.Types.DataType.Float, i.DataType));
        Assert.Equal(torch.ScalarType.Float32, actual.dtype);
        Assert.True((float32 - actual).abs().max().item<float>() <= Tolerance);
        Assert.True((mixed - actual).abs().max().item<float>() > Tolerance, "the mixed model did not compute in bfloat16");
    }

    /// <summary>A float32 copy of a GAN's preset with its weights (the 28×28 DCGAN).</summary>
    private static GanModel Float32Copy(GanModel gan)
    {
        var copy = ModelPresets.Create("dcgan", new long[] { 1, 28, 28 }, seed: 11);
        copy.AssignWeights(gan.WeightTensors(), "the mixed model");
        return copy;
    }

    /// <summary>Gives batch-normalisation layers moving statistics, scales and offsets far from their initial 0/1, by weight name.</summary>
    internal static void PerturbNormalization(Model generator)
    {
        using var noGrad = torch.no_grad();
        using var random = new torch.Generator(99);
        foreach (var (name, tensor) in generator.state_dict())
        {
            if (name.EndsWith(".moving_mean", StringComparison.Ordinal) || name.EndsWith(".beta", StringComparison.Ordinal))
                tensor.copy_(torch.randn(tensor.shape, generator: random) * 0.3);
            else if (name.EndsWith(".moving_variance", StringComparison.Ordinal) || name.EndsWith(".gamma", StringComparison.Ordinal))
                tensor.copy_(torch.rand(tensor.shape, generator: random) + 0.5);
        }
    }

    private static GanModel Wrap(IEnumerable<Layer> layers, int latentDim)
    {
        var generator = new Sequential(layers, inputShape: new long[] { latentDim }, name: "generator");
        var sampleShape = generator.OutputShape!.ToArray();
        var discriminator = new Sequential(new Layer[] { new Flatten(), new Dense(1) }, inputShape: sampleShape, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new BinaryCrossentropy(fromLogits: true));
        return gan;
    }

    private sealed class Doubling(string? name = null) : Layer(name)
    {
        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs * 2;
    }

    private sealed class TwoBranches : Model
    {
        private readonly Dense left = new(2, name: "left");
        private readonly Dense right = new(2, name: "right");

        public TwoBranches() : base("two_branches") => RegisterComponents();

        public override torch.Tensor Call(torch.Tensor inputs, bool training = false) => left.Call(inputs, training) + right.Call(inputs, training);
    }
}
