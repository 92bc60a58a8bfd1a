using Gan.Keras.Layers;
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
}
