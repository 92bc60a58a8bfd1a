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

    [Fact]
    public void Training_AddsTheSeededStandardNormalStream_ScaledByStddev()
    {
        // Given a seeded layer and, independently, the first draws of a generator with that seed
        using var scope = torch.NewDisposeScope();
        using var layer = new GaussianNoise(0.5, seed: 9);
        var x = torch.linspace(-2, 2, 12).reshape(3, 4);
        using var generator = new torch.Generator(9, torch.CPU);
        var draws = torch.randn(new long[] { 3, 4 }, generator: generator);

        // When
        var y = layer.Call(x, training: true);

        // Then y = x + 0.5·draws
        Assert.True(y.allclose(x + 0.5 * draws, rtol: 0, atol: 1e-6));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_RefusesNegativeOrNonFiniteStddev(double stddev)
    {
        // Given / When / Then
        Assert.Equal("stddev", Assert.Throws<ArgumentOutOfRangeException>(() => new GaussianNoise(stddev)).ParamName);
    }

    [Fact]
    public void ZeroStddev_IsAllowed_AndLeavesTheInputAsItIs()
    {
        // Given / When
        using var scope = torch.NewDisposeScope();
        using var layer = new GaussianNoise(0);
        var x = torch.randn(2, 3);

        // Then
        Assert.True(layer.Call(x, training: true).equal(x).all().item<bool>());
    }
}
