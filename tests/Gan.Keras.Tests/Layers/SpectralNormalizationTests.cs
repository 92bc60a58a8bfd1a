using Gan.Keras.Layers;
using Gan.Keras.Export.Onnx;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class SpectralNormalizationTests
{
    [Fact]
    public void MeetsLayerContract_WrappingDense()
    {
        // Given Dense(5) on [3, 4]: kernel 20 + bias 5 trainable, u [1, 5] non-trainable
        // When / Then
        LayerHarness.Run(new LayerCase(() => new SpectralNormalization(new Dense(5)), () => new[] { torch.randn(3, 4) }, new long[] { 3, 5 }, 30, 25));
    }

    [Fact]
    public void MeetsLayerContract_WrappingConv2D()
    {
        // Given Conv2D(4, 3, 2, same) on [2, 2, 6, 6]: kernel 4·2·3·3 = 72 + bias 4; u [1, 18]
        // When / Then
        LayerHarness.Run(new LayerCase(() => new SpectralNormalization(new Conv2D(4, 3, 2, "same")), () => new[] { torch.randn(2, 2, 6, 6) }, new long[] { 2, 4, 3, 3 }, 94, 76));
    }

    [Fact]
    public void PowerIteration_ConvergesToTheLargestSingularValue_AndNormalizesTheKernel()
    {
        // Given a wrapped Dense(6) on 8 features and the kernel's exact largest singular value
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(11);
        using var layer = new SpectralNormalization(new Dense(6, useBias: false));
        var x = torch.randn(5, 8);
        layer.Call(x, training: false);
        var kernel = ((Dense)layer.Layer).Kernel;
        double exact = torch.linalg.svdvals(kernel.detach())[0].item<float>();

        // When 30 training calls run one power iteration each
        for (int i = 0; i < 30; i++) layer.Call(x, training: true);

        // Then σ is estimated within 1e-4 and the output is x·W/σ, whose kernel has spectral norm 1
        Assert.Equal(exact, layer.EstimateSigma(), 3);
        var expected = x.matmul(kernel.detach() / exact);
        Assert.True(layer.Call(x, training: false).allclose(expected, rtol: 1e-4, atol: 1e-5));
    }

    [Fact]
    public void Constructor_RaisesClearError_WhenLayerHasNoKernel()
    {
        // Given / When
        var error = Assert.Throws<ArgumentException>(() => new SpectralNormalization(new UpSampling2D()));

        // Then
        Assert.Contains("can wrap Dense, Conv2D, Conv2DTranspose or Embedding", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AllZeroKernel_IsLeftUnnormalised_InsteadOfGivingNaN()
    {
        // Given a wrapped Dense(3) whose kernel and bias are all zero
        using var scope = torch.NewDisposeScope();
        using var layer = new SpectralNormalization(new Dense(3));
        var x = torch.randn(4, 2);
        layer.Call(x, training: false);
        var u = layer.VectorU.detach().clone();
        using (torch.no_grad())
            foreach (var weight in layer.TrainableVariables) weight.zero_();

        // When it runs in training and in inference mode
        var training = layer.Call(x, training: true);
        var inference = layer.Call(x, training: false);

        // Then (as Keras 3) the output is x·0 = 0, not NaN, and u is left as it was
        Assert.Equal(0.0, training.abs().max().item<float>());
        Assert.Equal(0.0, inference.abs().max().item<float>());
        Assert.True(layer.VectorU.allclose(u, rtol: 0, atol: 0));
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public void PowerIterations_RunThatManyIterationsPerTrainingCall(int iterations)
    {
        // Given two wrapped Dense layers with the same kernel and the same u, one iterating n times per call, one once
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(13);
        using var many = new SpectralNormalization(new Dense(6, useBias: false), powerIterations: iterations);
        using var once = new SpectralNormalization(new Dense(6, useBias: false));
        var x = torch.randn(5, 8);
        many.Build(new long[] { 8 });
        once.Build(new long[] { 8 });
        using (torch.no_grad())
        {
            ((Dense)once.Layer).Kernel.copy_(((Dense)many.Layer).Kernel);
            once.VectorU.copy_(many.VectorU);
        }

        // When the first runs one training call and the second one, then n − 1 more
        many.Call(x, training: true);
        once.Call(x, training: true);
        var afterOne = once.VectorU.detach().clone();
        for (int i = 1; i < iterations; i++) once.Call(x, training: true);

        // Then both hold the same u, which n iterations moved away from where one left it
        Assert.True(many.VectorU.allclose(once.VectorU, rtol: 0, atol: 1e-6), "n iterations in one call must equal n calls of one iteration.");
        Assert.True((many.VectorU - afterOne).abs().max().item<float>() > 1e-4, "The test needs a kernel on which further iterations still move u.");
    }

    [Fact]
    public void Build_StartsFromAUnitVectorU()
    {
        // Given / When
        using var layer = new SpectralNormalization(new Conv2D(4, 3));
        layer.Build(new long[] { 2, 5, 5 });

        // Then u has one entry per column of the kernel matrix [4, 2·3·3], and norm 1
        Assert.Equal(new long[] { 1, 18 }, layer.VectorU.shape);
        Assert.Equal(1.0, layer.VectorU.norm().item<float>(), 5);
    }

    [Fact]
    public void Constructor_NamesTheBadArgument()
    {
        // Given / When / Then
        Assert.Equal("layer", Assert.Throws<ArgumentNullException>(() => new SpectralNormalization(null!)).ParamName);
        Assert.Equal("powerIterations", Assert.Throws<ArgumentOutOfRangeException>(() => new SpectralNormalization(new Dense(2), powerIterations: 0)).ParamName);
        using var built = new Dense(2, name: "d");
        built.Build(new long[] { 3 });
        var error = Assert.Throws<ArgumentException>(() => new SpectralNormalization(built));
        Assert.Equal("layer", error.ParamName);
        Assert.Contains("'d' is already built", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_MatchesInference_WrappingConv2DTranspose()
    {
        // Given / When / Then: the graph holds W / σ, σ from the stored u
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new SpectralNormalization(new Conv2DTranspose(3, 3, 2, "same")),
        }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void Onnx_MatchesInference_WrappingEmbedding()
    {
        // Given a generator that looks up normalised embeddings of its (float) indices
        RandomSeed.Set(4);
        var normalized = new SpectralNormalization(new Embedding(5, 3));
        var generator = new Sequential(new Layer[] { normalized, new Flatten(), new Dense(2) }, inputShape: new long[] { 2 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 2 }, name: "discriminator");
        using var gan = new GanModel(generator, discriminator, 2, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new BinaryCrossentropy(fromLogits: true));
        using var onnx = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));
        using var scope = torch.NewDisposeScope();
        var indices = torch.tensor(new float[] { 0, 4, 2, 1, 3, 0 }, new long[] { 3, 2 });

        // When both run
        var expected = gan.GenerateFrom(indices);
        var actual = onnx.Run(indices);

        // Then they agree, and the embeddings were normalised by a σ other than 1
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5);
        Assert.True(Math.Abs(normalized.EstimateSigma() - 1) > 0.01);
    }

    [Fact]
    public void ExportOnnx_RefusesANullContext()
    {
        // Given / When / Then
        using var layer = new SpectralNormalization(new Dense(2));
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => layer.ExportOnnx(null!, "x")).ParamName);
    }
}
