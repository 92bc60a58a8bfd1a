using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class UpSampling2DTests
{
    [Theory]
    [InlineData("nearest")]
    [InlineData("bilinear")]
    public void MeetsLayerContract(string interpolation)
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new UpSampling2D((2, 3), interpolation), () => new[] { torch.randn(2, 3, 4, 5) }, new long[] { 2, 3, 8, 15 }, 0, 0));
    }

    [Fact]
    public void Nearest_RepeatsEachPixel()
    {
        // Given a 1x2 image [1, 2]
        using var scope = torch.NewDisposeScope();
        using var up = new UpSampling2D();

        // When
        var output = up.Call(torch.tensor(new float[] { 1, 2 }).reshape(1, 1, 1, 2));

        // Then each pixel becomes a 2x2 block
        Assert.Equal(new float[] { 1, 1, 2, 2, 1, 1, 2, 2 }, output.data<float>().ToArray());
    }

    [Fact]
    public void Bilinear_UsesHalfPixelCentres()
    {
        // Given a 1x2 image [0, 4] upsampled twice: sample points at x = 0.25, 0.75 in input pixel units around centres 0 and 1
        using var scope = torch.NewDisposeScope();
        using var up = new UpSampling2D(2, "bilinear");

        // When
        var output = up.Call(torch.tensor(new float[] { 0, 4 }).reshape(1, 1, 1, 2));

        // Then (tf.image.resize / align_corners=False): [0, 1, 3, 4]
        Assert.Equal(new float[] { 0, 1, 3, 4 }, output[0, 0, 0].data<float>().ToArray());
    }

    [Theory]
    [InlineData("nearest")]
    [InlineData("bilinear")]
    public void Onnx_MatchesInference(string interpolation)
    {
        // Given / When / Then: different factors for rows and columns
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new UpSampling2D((2, 3), interpolation) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void Constructor_NamesTheBadArgument_AndAcceptsAnyCase()
    {
        // Given / When / Then
        Assert.Equal("size", Assert.Throws<ArgumentOutOfRangeException>(() => new UpSampling2D((0, 2))).ParamName);
        Assert.Equal("size", Assert.Throws<ArgumentOutOfRangeException>(() => new UpSampling2D((2, 0))).ParamName);
        Assert.Equal("interpolation", Assert.Throws<ArgumentNullException>(() => new UpSampling2D(2, null!)).ParamName);
        var error = Assert.Throws<ArgumentException>(() => new UpSampling2D(2, "bicubic"));
        Assert.Equal("interpolation", error.ParamName);
        Assert.Contains("\"bicubic\"", error.Message, StringComparison.Ordinal);
        Assert.Equal("bilinear", new UpSampling2D(2, "Bilinear").Interpolation);
    }

    [Fact]
    public void RefusesNullAndFlatShapes()
    {
        // Given / When / Then
        using var layer = new UpSampling2D(name: "probe");
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }
}
