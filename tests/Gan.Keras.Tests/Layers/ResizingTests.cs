using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class ResizingTests
{
    [Theory]
    [InlineData("bilinear")]
    [InlineData("nearest")]
    public void MeetsLayerContract(string interpolation)
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new Resizing(3, 7, interpolation), () => new[] { torch.randn(2, 3, 5, 4) }, new long[] { 2, 3, 3, 7 }, 0, 0));
    }

    [Fact]
    public void Bilinear_UsesHalfPixelCentres()
    {
        // Given a 1x2 image [0, 4] resized to 1x4: sample points 0.25 pixel outside each centre
        using var scope = torch.NewDisposeScope();
        using var layer = new Resizing(1, 4);

        // When
        var y = layer.Call(torch.tensor(new float[] { 0, 4 }).reshape(1, 1, 1, 2));

        // Then (tf.image.resize, align_corners=False): [0, 1, 3, 4]
        Assert.Equal(new float[] { 0, 1, 3, 4 }, y.data<float>().ToArray());
    }

    [Fact]
    public void Nearest_TakesThePixelUnderEachHalfPixelCentre()
    {
        // Given a row [0, 1, 2, 3, 4] shrunk to 2: centres (i + 0.5)·2.5 = 1.25 and 3.75
        using var scope = torch.NewDisposeScope();
        using var layer = new Resizing(1, 2, "nearest");

        // When
        var y = layer.Call(torch.arange(5, torch.float32).reshape(1, 1, 1, 5));

        // Then pixels 1 and 3 (TensorFlow's half-pixel nearest neighbour)
        Assert.Equal(new float[] { 1, 3 }, y.data<float>().ToArray());
    }

    [Fact]
    public void CropToAspectRatio_CutsTheCentredBoxFirst()
    {
        // Given a 2x4 image resized to a square 2x2
        using var scope = torch.NewDisposeScope();
        using var layer = new Resizing(2, 2, cropToAspectRatio: true);

        // When
        var y = layer.Call(torch.arange(8, torch.float32).reshape(1, 1, 2, 4));

        // Then the centred 2x2 box (columns 1 and 2) is kept undistorted
        Assert.Equal(new float[] { 1, 2, 5, 6 }, y.data<float>().ToArray());
    }

    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given bilinear growth and shrinking, nearest shrinking and growth, and a crop to the aspect ratio
        // When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(60), new Reshape(new long[] { 3, 5, 4 }), new Resizing(7, 3), new Resizing(4, 9, "nearest"), new Resizing(3, 5, "nearest"),
            new Resizing(4, 2, cropToAspectRatio: true),
        }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void CropToAspectRatio_CutsTheCentredRows_OfATallImage()
    {
        // Given a 6x2 image 0..11 resized to a square 2x2: the centred box is rows 2 and 3
        using var scope = torch.NewDisposeScope();
        using var layer = new Resizing(2, 2, "nearest", cropToAspectRatio: true);

        // When
        var y = layer.Call(torch.arange(12, torch.float32).reshape(1, 1, 6, 2));

        // Then the box is kept as it is
        Assert.Equal(new float[] { 4, 5, 6, 7 }, y.data<float>().ToArray());
    }

    [Fact]
    public void Onnx_MatchesInference_CroppingRowsOnly()
    {
        // Given a 5x4 image cropped to its top 4x4 rows (the centred box, rounded down) before a bilinear shrink
        // (bilinear: every output row depends on how many rows are resized, so a skipped crop shows)
        // When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(60), new Reshape(new long[] { 3, 5, 4 }), new Resizing(3, 3, cropToAspectRatio: true),
        }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void RefusesEmptySizes_AndNullOrFlatShapes()
    {
        // Given / When / Then
        Assert.Equal("height", Assert.Throws<ArgumentOutOfRangeException>(() => new Resizing(0, 3)).ParamName);
        Assert.Equal("width", Assert.Throws<ArgumentOutOfRangeException>(() => new Resizing(3, 0)).ParamName);
        using var layer = new Resizing(3, 3, name: "probe");
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }
}
