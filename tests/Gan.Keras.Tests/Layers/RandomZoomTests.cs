using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class RandomZoomTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new RandomZoom(0.2, seed: 1), () => new[] { torch.randn(4, 3, 5, 6) }, new long[] { 4, 3, 5, 6 }, 0, 0));
    }

    [Fact]
    public void NegativeFactor_ZoomsIn_AboutTheCentre()
    {
        // Given a 4x4 ramp (each pixel holds its column index), zoomed in by z = 1 − 0.5 in both directions
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomZoom((-0.5, -0.5), seed: 1);
        var ramp = torch.arange(4, torch.float32).reshape(1, 1, 1, 4).expand(1, 1, 4, 4).contiguous();

        // When
        var zoomed = layer.Call(ramp, training: true);

        // Then column p reads 1.5 + 0.5·(p − 1.5): 0.75, 1.25, 1.75, 2.25 (linear data, so bilinear is exact)
        var expected = torch.tensor(new float[] { 0.75f, 1.25f, 1.75f, 2.25f }).reshape(1, 1, 1, 4).expand(1, 1, 4, 4);
        Assert.True(zoomed.allclose(expected, rtol: 0, atol: 1e-5), string.Join(", ", zoomed.data<float>().ToArray()));
    }

    [Fact]
    public void PositiveFactor_ZoomsOut_OnlyTheWidth_WhenAWidthFactorIsGiven()
    {
        // Given the same ramp, height zoom 1 and width zoom 2 (out), reflected at the edges
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomZoom((0, 0), (1, 1), seed: 1);
        var ramp = torch.arange(4, torch.float32).reshape(1, 1, 1, 4).expand(1, 1, 4, 4).contiguous();

        // When
        var zoomed = layer.Call(ramp, training: true);

        // Then column p reads 1.5 + 2·(p − 1.5) = −1.5, 0.5, 2.5, 4.5; reflected about −0.5 and 3.5: 0.5, 0.5, 2.5, 2.5
        var expected = torch.tensor(new float[] { 0.5f, 0.5f, 2.5f, 2.5f }).reshape(1, 1, 1, 4).expand(1, 1, 4, 4);
        Assert.True(zoomed.allclose(expected, rtol: 0, atol: 1e-5), string.Join(", ", zoomed.data<float>().ToArray()));
    }

    [Fact]
    public void Constructor_RefusesAZoomOfMinusOneOrLess()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom((-1, 0)));

        Assert.Equal("heightFactor", error.ParamName);
    }

    [Fact]
    public void Inference_IsTheIdentity()
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomZoom(0.5, seed: 2);
        var images = torch.randn(3, 2, 4, 4);

        Assert.True(layer.Call(images, training: false).equal(images).all().item<bool>());
    }

    [Fact]
    public void Onnx_IsTheIdentity()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new RandomZoom(0.2, seed: 1) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void SymmetricFactors_ZoomBothWays()
    {
        // Given / When
        using var layer = new RandomZoom(0.2, 0.3);
        using var heightOnly = new RandomZoom(0.1);

        // Then
        Assert.Equal((-0.2, 0.2), layer.HeightFactor);
        Assert.Equal((-0.3, 0.3), layer.WidthFactor);
        Assert.Equal((-0.1, 0.1), heightOnly.HeightFactor);
        Assert.Null(heightOnly.WidthFactor);
    }

    [Fact]
    public void Constructor_RefusesReversedOrNonFiniteRanges_NamingTheAxis()
    {
        // Given / When / Then
        Assert.Equal("heightFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom((0.3, -0.3))).ParamName);
        Assert.Equal("widthFactor", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomZoom((-0.1, 0.1), (0, double.NaN))).ParamName);
    }
}
