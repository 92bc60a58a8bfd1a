using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class Cropping2DTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then: 1 row above, 2 below, 3 columns left, none right
        LayerHarness.Run(new LayerCase(() => new Cropping2D((1, 2), (3, 0)), () => new[] { torch.randn(2, 3, 6, 5) }, new long[] { 2, 3, 3, 2 }, 0, 0));
    }

    [Fact]
    public void Call_RemovesTheGivenEdges()
    {
        // Given a 3x3 image 1..9
        using var scope = torch.NewDisposeScope();
        using var layer = new Cropping2D((1, 0), (0, 1));

        // When the top row and the right column are removed
        var output = layer.Call(torch.arange(1, 10, torch.float32).reshape(1, 1, 3, 3));

        // Then [[4, 5], [7, 8]] remain
        Assert.Equal(new float[] { 4, 5, 7, 8 }, output.data<float>().ToArray());
    }

    [Fact]
    public void Build_RefusesACroppingThatLeavesNothing()
    {
        using var layer = new Cropping2D(2);

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(1, 1, 4, 8)));

        Assert.Contains("leaves nothing", error.Message, StringComparison.Ordinal);
        Assert.Contains("4x8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(60), new Reshape(new long[] { 2, 6, 5 }), new Cropping2D((1, 2), (3, 0)) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void CropsAllFourSides_InShapeAndValues()
    {
        // Given a 4x5 image 0..19, cropping 1 row above, 2 below, 1 column left and 2 right
        using var scope = torch.NewDisposeScope();
        using var layer = new Cropping2D((1, 2), (1, 2));

        // When
        var output = layer.Call(torch.arange(20, torch.float32).reshape(1, 1, 4, 5));

        // Then row 1, columns 1 and 2 remain, and the shape alone says so
        Assert.Equal(new float[] { 6, 7 }, output.data<float>().ToArray());
        Assert.Equal(new long[] { 2, 1, 2 }, layer.ComputeOutputShape(new long[] { 2, 4, 5 }));
    }

    [Fact]
    public void Build_RefusesAColumnCroppingThatLeavesNothing_AndAcceptsOneThatLeavesAColumn()
    {
        // Given 2 + 3 columns removed from a 5-column image, and 2 + 2
        using var nothing = new Cropping2D((0, 0), (2, 3));
        using var one = new Cropping2D((0, 0), (2, 2));

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => nothing.ComputeOutputShape(new long[] { 1, 4, 5 }));

        // Then
        Assert.Contains("2 + 3 columns", error.Message, StringComparison.Ordinal);
        Assert.Equal(new long[] { 1, 4, 1 }, one.ComputeOutputShape(new long[] { 1, 4, 5 }));
    }

    [Fact]
    public void Onnx_MatchesInference_CroppingEverySide()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(60), new Reshape(new long[] { 2, 6, 5 }), new Cropping2D((2, 1), (1, 2)) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void RefusesNegativeCroppings_AndNullOrFlatShapes()
    {
        // Given / When / Then
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new Cropping2D((-1, 0), (0, 0))).ParamName);
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new Cropping2D((0, -1), (0, 0))).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new Cropping2D((0, 0), (-1, 0))).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new Cropping2D((0, 0), (0, -1))).ParamName);
        using var layer = new Cropping2D(1, name: "probe");
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }
}
