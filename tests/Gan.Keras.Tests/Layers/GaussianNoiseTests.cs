using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class GaussianNoiseTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new GaussianNoise(0.1, seed: 1), () => new[] { torch.randn(4, 3, 2, 2) }, new long[] { 4, 3, 2, 2 }, 0, 0));
    }

    [Fact]
    public void Training_AddsNoiseWithTheGivenStddev_InferenceIsIdentity()
    {
        // Given a batch of zeros
        using var scope = torch.NewDisposeScope();
        using var noise = new GaussianNoise(0.5, seed: 42);
        var zeros = torch.zeros(200, 100);

        // When
        var trained = noise.Call(zeros, training: true);
        var inferred = noise.Call(zeros, training: false);

        // Then the training output has stddev ≈ 0.5 (20 000 draws: ±0.01) and inference returns the input
        Assert.Equal(0.5, trained.std().item<float>(), 1);
        Assert.InRange(trained.std().item<float>(), 0.49, 0.51);
        Assert.Equal(0.0, inferred.abs().max().item<float>());
    }

    [Fact]
    public void Seed_MakesTheNoiseReproducible()
    {
        // Given two layers with the same seed
        using var scope = torch.NewDisposeScope();
        using var a = new GaussianNoise(1.0, seed: 5);
        using var b = new GaussianNoise(1.0, seed: 5);

        // When / Then
        Assert.True(a.Call(torch.zeros(3, 4), training: true).allclose(b.Call(torch.zeros(3, 4), training: true), rtol: 0, atol: 0));
    }
}
