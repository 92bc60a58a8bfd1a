using Gan.Keras.Export.Images;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Images;

public class ImageGridTests
{
    [Fact]
    public void EncodePng_DrawsEachChannelOfRgbImages_FromNchwAndFromFlatChannelMajorVectors()
    {
        // Given two 4x4 RGB images: the first pure red, the second pure blue (values in [-1, 1])
        using var scope = torch.NewDisposeScope();
        var images = torch.full(new long[] { 2, 3, 4, 4 }, -1f);
        images[0, 0] = torch.tensor(1f);
        images[1, 2] = torch.tensor(1f);

        // When they are rendered as NCHW and as flat [2, 48] vectors (an MLP's output), scale 1
        using var fromNchw = SKBitmap.Decode(ImageGrid.EncodePng(images, columns: 2, scale: 1));
        using var fromFlat = SKBitmap.Decode(ImageGrid.EncodePng(images.reshape(2, 48), columns: 2, scale: 1));

        // Then both grids show a red and a blue square side by side (2-pixel gaps)
        foreach (var grid in new[] { fromNchw, fromFlat })
        {
            Assert.Equal((2 * (4 + 2) + 2, 4 + 4), (grid.Width, grid.Height));
            Assert.Equal(new SKColor(255, 0, 0), grid.GetPixel(3, 3));
            Assert.Equal(new SKColor(0, 0, 255), grid.GetPixel(2 + 6 + 1, 3));
        }
    }

    [Fact]
    public void EncodePng_ReadsFlatSquareVectorsAsGray_AndRejectsOtherLengthsClearly()
    {
        using var scope = torch.NewDisposeScope();

        using var gray = SKBitmap.Decode(ImageGrid.EncodePng(torch.zeros(1, 784), scale: 1));
        var error = Assert.Throws<ArgumentException>(() => ImageGrid.EncodePng(torch.zeros(1, 50)));

        Assert.Equal((28 + 4, 28 + 4), (gray.Width, gray.Height));
        Assert.Equal(new SKColor(128, 128, 128), gray.GetPixel(10, 10));
        Assert.Contains("Cannot read images of shape [1, 50]", error.Message);
        Assert.Contains("[n, 3·h·w] (RGB, channel-major)", error.Message);
    }
}
