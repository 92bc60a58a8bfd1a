using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class MaxPooling2DTests
{
    [Fact]
    public void MeetsLayerContract_Valid()
    {
        // Given / When / Then: Keras's defaults, 2x2 windows 2 apart
        LayerHarness.Run(new LayerCase(() => new MaxPooling2D(), () => new[] { torch.randn(2, 3, 6, 7) }, new long[] { 2, 3, 3, 3 }, 0, 0));
    }

    [Fact]
    public void MeetsLayerContract_Same()
    {
        // Given / When / Then: ceil(5 / 2) = 3, ceil(6 / 2) = 3
        LayerHarness.Run(new LayerCase(() => new MaxPooling2D(3, strides: 2, padding: "same"), () => new[] { torch.randn(2, 3, 5, 6) }, new long[] { 2, 3, 3, 3 }, 0, 0));
    }

    [Fact]
    public void Valid_TakesTheMaximumOfEachWindow()
    {
        // Given a 4x4 image 1..16
        using var scope = torch.NewDisposeScope();
        using var layer = new MaxPooling2D();

        // When
        var output = layer.Call(torch.arange(1, 17, torch.float32).reshape(1, 1, 4, 4));

        // Then each 2x2 window's bottom-right value
        Assert.Equal(new float[] { 6, 8, 14, 16 }, output.data<float>().ToArray());
    }

    [Fact]
    public void Same_PadsAfter_AndThePaddingNeverWins()
    {
        // Given negative values [-3, -1, -2]: windows of 2, 2 apart, "same" adds one padded position on the right
        using var scope = torch.NewDisposeScope();
        using var layer = new MaxPooling2D((1, 2), padding: "same");

        // When
        var output = layer.Call(torch.tensor(new float[] { -3, -1, -2 }).reshape(1, 1, 1, 3));

        // Then max(-3, -1) = -1 and max(-2) = -2 (a zero padding would give 0)
        Assert.Equal(new float[] { -1, -2 }, output.data<float>().ToArray());
    }

    [Theory]
    [InlineData("valid")]
    [InlineData("same")]
    public void Onnx_MatchesInference(string padding)
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(60), new Reshape(new long[] { 2, 5, 6 }), new MaxPooling2D(3, strides: 2, padding: padding) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void Build_RefusesAWindowLargerThanAValidInput()
    {
        using var layer = new MaxPooling2D(3);

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(1, 1, 2, 8)));

        Assert.Contains("padding: \"same\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Same_WithPaddingOnEverySide_TakesTheMaximumOfTheCoveredPixels()
    {
        // Given a 3x3 image 1..9 and 3x3 windows 1 apart: "same" pads one row and column on every side
        using var scope = torch.NewDisposeScope();
        using var layer = new MaxPooling2D(3, strides: 1, padding: "same");
        var values = Enumerable.Range(1, 9).Select(v => (float)v).ToArray();

        // When
        var output = layer.Call(torch.tensor(values).reshape(1, 1, 3, 3));

        // Then each output reduces the pixels of its window inside the image only
        var expected = PoolingReference.SameStrideOne(values, width: 3, size: 3, Enumerable.Max);
        Assert.Equal(new long[] { 1, 1, 3, 3 }, output.shape);
        var actual = output.data<float>().ToArray();
        for (int k = 0; k < 9; k++) Assert.Equal(expected[k], actual[k], 5);
    }

    [Fact]
    public void Valid_AcceptsAWindowAsLargeAsTheInput_AndRefusesOneWiderThanIt()
    {
        // Given a 2x3 window
        using var layer = new MaxPooling2D((2, 3));

        // When / Then
        Assert.Equal(new long[] { 4, 1, 1 }, layer.ComputeOutputShape(new long[] { 4, 2, 3 }));
        var error = Assert.Throws<IncompatibleInputException>(() => layer.ComputeOutputShape(new long[] { 4, 5, 2 }));
        Assert.Contains("larger than its 5x2 input", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RefusesEmptyWindowsAndStrides_AndNullOrFlatShapes()
    {
        // Given / When / Then
        Assert.Equal("poolSize", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPooling2D((0, 2))).ParamName);
        Assert.Equal("poolSize", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPooling2D((2, 0))).ParamName);
        Assert.Equal("strides", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPooling2D((2, 2), strides: (0, 1))).ParamName);
        Assert.Equal("strides", Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPooling2D((2, 2), strides: (1, 0))).ParamName);
        using var layer = new MaxPooling2D(name: "probe");
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }
}
