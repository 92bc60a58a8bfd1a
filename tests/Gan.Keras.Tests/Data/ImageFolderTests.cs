using Gan.Keras.Data;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class ImageFolderTests
{
    [Fact]
    public void Load_LabelsBySubfolder_AndDecodesPngAndJpeg()
    {
        // Given two classes: "a" with two red PNGs, "b" with one blue lossless-ish JPEG, all 8×6
        string root = TestPaths.NewTempFolder();
        Write(Path.Combine(root, "a", "1.png"), 8, 6, new SKColor(255, 0, 0));
        Write(Path.Combine(root, "a", "2.PNG"), 8, 6, new SKColor(255, 0, 0));
        Write(Path.Combine(root, "b", "1.jpg"), 8, 6, new SKColor(0, 0, 255));
        File.WriteAllText(Path.Combine(root, "b", "notes.txt"), "not an image");

        // When the folder is loaded as RGB
        using var data = ImageFolder.Load(root);

        // Then classes follow the folder names, and pixels are channel-major in [−1, 1]
        Assert.Equal(new[] { "a", "b" }, ImageFolder.ClassNames(root));
        Assert.Equal(new long[] { 3, 3, 6, 8 }, data.Features.shape);
        Assert.Equal(new long[] { 0, 0, 1 }, data.Labels!.data<long>().ToArray());
        Assert.Equal(1f, data.Features[0, 0, 3, 3].item<float>());
        Assert.Equal(-1f, data.Features[0, 2, 3, 3].item<float>());
        Assert.True(data.Features[2, 2, 3, 3].item<float>() > 0.9f, "the JPEG's blue channel");
    }

    [Fact]
    public void Load_ResizesAndConvertsToGrayscale_WhenAsked()
    {
        // Given white images of two sizes
        string root = TestPaths.NewTempFolder();
        Write(Path.Combine(root, "x", "big.png"), 40, 40, SKColors.White);
        Write(Path.Combine(root, "x", "small.png"), 10, 12, SKColors.White);

        // When loaded as 28×28 grayscale, flattened
        using var data = ImageFolder.Load(root, channels: 1, size: 28, flatten: true);

        // Then every image is 784 white pixels
        Assert.Equal(new long[] { 2, 784 }, data.Features.shape);
        Assert.True(data.Features.min().item<float>() > 0.99f);
    }

    [Fact]
    public void Load_ReadsGrayscalePngs_AsTheSameValueInEveryChannel()
    {
        // Given a one-channel (Gray8) PNG of value 51
        string root = TestPaths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(root, "g"));
        using (var bitmap = new SKBitmap(new SKImageInfo(3, 2, SKColorType.Gray8, SKAlphaType.Opaque)))
        {
            bitmap.Erase(new SKColor(51, 51, 51));
            using var image = SKImage.FromBitmap(bitmap);
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(root, "g", "gray.png"), png.ToArray());
        }

        // When it is loaded as RGB and as grayscale
        using var rgb = ImageFolder.Load(root);
        using var gray = ImageFolder.Load(root, channels: 1);

        // Then every channel, and the luma, is 51 / 127.5 − 1 = −0.6
        Assert.Equal(new long[] { 1, 3, 2, 3 }, rgb.Features.shape);
        Assert.True(rgb.Features.sub(-0.6f).abs().max().item<float>() < 1e-5f);
        Assert.True(gray.Features.sub(-0.6f).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void Load_RaisesErrorNamingTheFile_WhenSizesDiffer()
    {
        // Given images of different sizes and no resize
        string root = TestPaths.NewTempFolder();
        Write(Path.Combine(root, "x", "1.png"), 4, 4, SKColors.White);
        Write(Path.Combine(root, "x", "2.png"), 5, 4, SKColors.White);

        // When loaded
        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(root));

        // Then the message names both sizes, the file and the fix
        Assert.Contains("2.png", error.Message, StringComparison.Ordinal);
        Assert.Contains("5×4", error.Message, StringComparison.Ordinal);
        Assert.Contains("size", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RaisesErrorNamingTheFile_WhenImageIsCorrupt()
    {
        // Given a .png that holds text
        string root = TestPaths.NewTempFolder();
        Directory.CreateDirectory(Path.Combine(root, "x"));
        File.WriteAllText(Path.Combine(root, "x", "broken.png"), "this is not a PNG");

        // When loaded
        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(root));

        // Then the message names the file
        Assert.Contains("broken.png", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RaisesClearError_WhenFolderHasNoClassSubfolders()
    {
        // Given a folder with an image but no subfolder
        string root = TestPaths.NewTempFolder();
        Write(Path.Combine(root, "1.png"), 4, 4, SKColors.White);

        // When loaded
        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(root));

        // Then the message explains the expected layout
        Assert.Contains("one subfolder per class", error.Message, StringComparison.Ordinal);
    }

    internal static void Write(string path, int width, int height, SKColor color)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bitmap = new SKBitmap(width, height);
        bitmap.Erase(color);
        using var image = SKImage.FromBitmap(bitmap);
        var format = path.EndsWith(".jpg", StringComparison.OrdinalIgnoreCase) ? SKEncodedImageFormat.Jpeg : SKEncodedImageFormat.Png;
        using var data = image.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    [Fact]
    public void Load_RefusesAPngDeclaringMorePixelsThanItsBytesCanHold_BeforeAllocatingThem()
    {
        // Given a 93-byte PNG whose IHDR (CRC fixed) declares 60,000×60,000 RGB pixels (10.8 GB as RGB, 43 GB as floats)
        string root = TestPaths.NewTempFolder();
        string path = Path.Combine(root, "c", "huge.png");
        Write(path, 2, 2, SKColors.Red);
        var png = File.ReadAllBytes(path);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(16), 60_000);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(png.AsSpan(20), 60_000);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(png.AsSpan(29), System.IO.Hashing.Crc32.HashToUInt32(png.AsSpan(12, 17)));
        File.WriteAllBytes(path, png);

        // When the folder is loaded
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(root));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then the file is refused by its header, before any pixel memory
        Assert.Contains("huge.png", error.Message, StringComparison.Ordinal);
        Assert.Contains("60000×60000", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Load_RefusesATruncatedPng_InsteadOfKeepingBlankRows()
    {
        // Given a 64×64 noisy PNG cut in the middle of its image data
        string root = TestPaths.NewTempFolder();
        string path = Path.Combine(root, "c", "cut.png");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var bitmap = new SKBitmap(64, 64))
        {
            var random = new Random(1);
            for (int y = 0; y < 64; y++)
                for (int x = 0; x < 64; x++) bitmap.SetPixel(x, y, new SKColor((byte)random.Next(256), (byte)random.Next(256), (byte)random.Next(256)));
            using var image = SKImage.FromBitmap(bitmap);
            using var encoded = image.Encode(SKEncodedImageFormat.Png, 100);
            var bytes = encoded.ToArray();
            File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);
        }

        // When the folder is loaded
        var error = Assert.Throws<InvalidDataException>(() => ImageFolder.Load(root));

        // Then the file is named as truncated (SkiaSharp's SKBitmap.Decode returned the image with the missing rows blank)
        Assert.Contains("cut.png", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }
}
