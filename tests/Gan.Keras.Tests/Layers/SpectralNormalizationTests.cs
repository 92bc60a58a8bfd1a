using Gan.Keras.Layers;
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
}
