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
    public void EncodePng_MapsTheGivenRangeToBlackAndWhite()
    {
        // Given one gray 1 x 3 image of 0, 0.5 and 1: a sigmoid generator's black, mid-gray and white
        using var scope = torch.NewDisposeScope();
        var image = torch.tensor(new[] { 0f, 0.5f, 1f }).reshape(1, 1, 1, 3);

        // When it is drawn with the sigmoid's range [0, 1], and with the default tanh range [-1, 1]
        using var sigmoid = SKBitmap.Decode(ImageGrid.EncodePng(image, scale: 1, range: (0, 1)));
        using var tanh = SKBitmap.Decode(ImageGrid.EncodePng(image, scale: 1));

        // Then [0, 1] spans black to white, while [-1, 1] makes 0 mid-gray
        Assert.Equal(new byte[] { 0, 128, 255 }, Enumerable.Range(0, 3).Select(x => sigmoid.GetPixel(2 + x, 2).Red).ToArray());
        Assert.Equal(new byte[] { 128, 191, 255 }, Enumerable.Range(0, 3).Select(x => tanh.GetPixel(2 + x, 2).Red).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => ImageGrid.EncodePng(image, range: (1, 1)));
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
