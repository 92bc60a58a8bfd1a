using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class RescalingTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new Rescaling(0.5, 0.25), () => new[] { torch.randn(2, 3, 4, 4) }, new long[] { 2, 3, 4, 4 }, 0, 0));
    }

    [Fact]
    public void Call_ScalesThenOffsets()
    {
        // Given pixels 0, 127.5, 255 mapped to [−1, 1]
        using var scope = torch.NewDisposeScope();
        using var layer = new Rescaling(1 / 127.5, -1);

        // When
        var y = layer.Call(torch.tensor(new float[] { 0, 127.5f, 255 }).reshape(1, 3));

        // Then
        Assert.Equal(new float[] { -1, 0, 1 }, y.data<float>().ToArray());
    }

    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(6, "sigmoid"), new Rescaling(2, -1), new Rescaling(3) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Theory]
    [InlineData(double.NaN, 0)]
    [InlineData(double.PositiveInfinity, 0)]
    [InlineData(1, double.NaN)]
    [InlineData(1, double.NegativeInfinity)]
    public void Constructor_RefusesNonFiniteValues_NamingTheArgument(double scale, double offset)
    {
        // Given / When
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Rescaling(scale, offset));

        // Then
        Assert.Equal(double.IsFinite(scale) ? "offset" : "scale", error.ParamName);
    }

    [Fact]
    public void ExportOnnx_RefusesANullContext()
    {
        // Given / When / Then
        using var layer = new Rescaling(2);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => layer.ExportOnnx(null!, "x")).ParamName);
    }
}
