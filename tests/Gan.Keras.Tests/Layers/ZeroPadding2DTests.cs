using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class ZeroPadding2DTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then: 1 row above, 2 below, 3 columns left, none right
        LayerHarness.Run(new LayerCase(() => new ZeroPadding2D((1, 2), (3, 0)), () => new[] { torch.randn(2, 3, 4, 5) }, new long[] { 2, 3, 7, 8 }, 0, 0));
    }

    [Fact]
    public void Call_AddsZerosOnTheGivenSides()
    {
        // Given a 2x2 image [[1, 2], [3, 4]]
        using var scope = torch.NewDisposeScope();
        using var layer = new ZeroPadding2D((1, 0), (0, 2));

        // When one row is added above and two columns on the right
        var output = layer.Call(torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2));

        // Then
        Assert.Equal(new float[] { 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0 }, output.data<float>().ToArray());
    }

    [Fact]
    public void Default_PadsOneOnEverySide_AsKeras()
    {
        // Given / When
        using var layer = new ZeroPadding2D();

        // Then
        Assert.Equal(new long[] { 3, 6, 7 }, layer.ComputeOutputShape(new long[] { 3, 4, 5 }));
    }

    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given a generator that pads asymmetrically, after a Dense with a non-zero bias
        // When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new ZeroPadding2D((1, 2), (3, 0)) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void Call_RefusesVectors_SuggestingAReshape()
    {
        using var layer = new ZeroPadding2D();

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(2, 784)));

        Assert.Contains("(None, 784)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Reshape", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesNegativePaddings_AndNullOrFlatShapes()
    {
        // Given / When / Then
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new ZeroPadding2D((-1, 0), (0, 0))).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new ZeroPadding2D((0, -1), (0, 0))).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new ZeroPadding2D((0, 0), (-1, 0))).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new ZeroPadding2D((0, 0), (0, -1))).ParamName);
        using var layer = new ZeroPadding2D(name: "probe");
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }
}
