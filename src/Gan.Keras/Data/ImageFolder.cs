using SkiaSharp;
using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// Loads images from a folder with one subfolder per class (<c>root/cat/001.png</c>, <c>root/dog/002.jpg</c>), as
/// Keras's <c>image_dataset_from_directory</c>: classes are the subfolder names in ordinal order, labels their indices.
/// PNG and JPEG files are decoded with SkiaSharp.
/// </summary>
public static class ImageFolder
{
    private static readonly string[] Extensions = { ".png", ".jpg", ".jpeg" };

    /// <summary>Gets the class names of a folder: its subfolders that hold at least one image, in ordinal order.</summary>
    public static IReadOnlyList<string> ClassNames(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Image folder '{directory}' does not exist.");
        return Directory.GetDirectories(directory)
            .Where(d => ImageFiles(d).Any())
            .Select(Path.GetFileName)
            .Order(StringComparer.Ordinal)
            .ToArray()!;
    }

    /// <summary>Decodes every image as float32 <c>[n, channels, height, width]</c> scaled to [−1, 1], with class labels.</summary>
    /// <param name="directory">The root folder; each subfolder is a class.</param>
    /// <param name="channels">1 (grayscale, luminance) or 3 (RGB).</param>
    /// <param name="size">When given, every image is resized to <c>size × size</c>; otherwise all images must have the same size.</param>
    /// <param name="flatten">Whether images are flattened to <c>[channels · height · width]</c>.</param>
    /// <param name="limit">Optional number of images to keep (classes in order, files in ordinal order).</param>
    /// <exception cref="InvalidDataException">A file cannot be decoded (corrupt, truncated, or declaring more pixels than its length can hold), or sizes differ without <paramref name="size"/>; the message names the file.</exception>
    public static InMemoryDataset Load(string directory, int channels = 3, int? size = null, bool flatten = false, int? limit = null)
    {
        var (name, files) = ListFiles(directory, channels, size, limit);
        int width = 0, height = 0;
        float[]? pixels = null;
        for (int i = 0; i < files.Length; i++)
        {
            using var bitmap = Decode(files[i].File, size);
            if (pixels is null)
            {
                (width, height) = (bitmap.Width, bitmap.Height);
                pixels = new float[(long)files.Length * channels * width * height];
            }
            else if (bitmap.Width != width || bitmap.Height != height)
            {
                throw new InvalidDataException($"Image '{files[i].File}' is {bitmap.Width}×{bitmap.Height}, but '{files[0].File}' is {width}×{height}. Pass a size to resize every image to the same square size.");
            }
            CopyPixels(bitmap, channels, pixels.AsSpan(i * channels * width * height, channels * width * height));
        }
        using var scope = torch.NewDisposeScope();
        var shape = flatten ? new long[] { files.Length, channels * height * width } : new long[] { files.Length, channels, height, width };
        var labels = torch.tensor(files.Select(f => (long)f.Label).ToArray());
        return new InMemoryDataset(torch.tensor(pixels!, shape), labels, name);
    }

    /// <summary>Checks the arguments and lists the images with their labels (classes in order, files in ordinal order), and the folder's name.</summary>
    internal static (string Name, (string File, int Label)[] Files) ListFiles(string directory, int channels, int? size, int? limit)
    {
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Use 1 (grayscale) or 3 (RGB) channels.");
        if (size is { } s) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s, nameof(size));
        if (limit is { } l) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        var classes = ClassNames(directory);
        if (classes.Count == 0)
            throw new InvalidDataException($"Image folder '{directory}' has no class subfolders with PNG or JPEG images. Expected one subfolder per class, e.g. '{Path.Combine(directory, "cat", "001.png")}'.");
        var files = classes
            .SelectMany((name, label) => ImageFiles(Path.Combine(directory, name)).Order(StringComparer.Ordinal).Select(f => (File: f, Label: label)))
            .Take(limit ?? int.MaxValue)
            .ToArray();
        return (Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar)), files);
    }

    private static IEnumerable<string> ImageFiles(string directory) =>
        Directory.EnumerateFiles(directory).Where(f => Extensions.Contains(Path.GetExtension(f).ToLowerInvariant()));

    /// <summary>
    /// Gets the most pixels a file of these bytes can hold, so that a corrupt header is refused before any pixel memory
    /// is allocated. Deflate expands at most 1,032:1, so a PNG holds at most 8 × 1,032 / (bits per pixel, from its IHDR)
    /// pixels per byte; a Huffman-coded JPEG spends at least one bit on every 8×8 block's DC coefficient, so holds at most
    /// 512 pixels per byte (libjpeg fills the rows of a truncated JPEG with grey and Skia reports success, so this bound is
    /// what refuses a JPEG whose frame size was inflated); other formats get the PNG bound for one bit per pixel.
    /// </summary>
    internal static long MaxPixels(ReadOnlySpan<byte> bytes, SKEncodedImageFormat format)
    {
        long perByte = 8 * 1032;
        if (format == SKEncodedImageFormat.Jpeg)
        {
            perByte = 512;
        }
        else if (format == SKEncodedImageFormat.Png && bytes.Length >= 26 && bytes[12..16].SequenceEqual("IHDR"u8))
        {
            // IHDR: width, height, bit depth (byte 24), colour type (byte 25): gray 0, RGB 2, palette 3, gray+alpha 4, RGBA 6.
            int channels = bytes[25] switch { 2 => 3, 4 => 2, 6 => 4, _ => 1 };
            perByte = 8 * 1032 / Math.Max(1, bytes[24] * channels);
        }
        return perByte * bytes.Length;
    }

    /// <summary>Decodes a PNG or JPEG as RGBA, resized to <c>size × size</c> when given.</summary>
    /// <exception cref="InvalidDataException">The file cannot be read or decoded, is truncated, or declares more pixels than its length can hold; the message names the file.</exception>
    internal static SKBitmap Decode(string path, int? size)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException)
        {
            throw new InvalidDataException($"Image '{path}' cannot be read: {ex.Message}", ex);
        }
        return Decode(bytes, path, size);
    }

    /// <summary>Decodes a PNG or JPEG file's bytes as RGBA; <paramref name="path"/> names the file in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes cannot be decoded, are truncated, or declare more pixels than their length can hold; the message names the file.</exception>
    internal static SKBitmap Decode(byte[] bytes, string path, int? size)
    {
        using var data = SKData.CreateCopy(bytes);
        using var codec = SKCodec.Create(data)
            ?? throw new InvalidDataException($"Image '{path}' is not a PNG or JPEG that SkiaSharp can decode (corrupt or truncated file?).");
        // As SKBitmap.Decode does: premultiplied alpha, no colour space.
        var info = codec.Info;
        if (info.AlphaType == SKAlphaType.Unpremul) info.AlphaType = SKAlphaType.Premul;
        info.ColorSpace = null;
        long pixels = (long)info.Width * info.Height;
        if (info.Width <= 0 || info.Height <= 0 || pixels > MaxPixels(bytes, codec.EncodedFormat) || pixels > int.MaxValue / 4)
            throw new InvalidDataException($"Image '{path}' declares {info.Width}×{info.Height} pixels in its header, more than its {bytes.Length} bytes can hold: the header is corrupt.");
        var decoded = new SKBitmap(info);
        var result = codec.GetPixels(info, decoded.GetPixels());
        if (result != SKCodecResult.Success)
        {
            // SKBitmap.Decode keeps IncompleteInput, the undecoded rows left blank; a truncated image is corrupt data here.
            decoded.Dispose();
            throw new InvalidDataException($"Image '{path}' cannot be decoded ({result}): the file is truncated or corrupt.");
        }
        // Normalise to RGBA so pixels read the same whatever the file's colour type (gray, palette, BGRA).
        var rgba = new SKBitmap(new SKImageInfo(size ?? decoded.Width, size ?? decoded.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul));
        using (decoded)
        using (var canvas = new SKCanvas(rgba))
        using (var paint = new SKPaint { FilterQuality = SKFilterQuality.High, IsAntialias = true })
        {
            canvas.Clear(SKColors.Black);
            canvas.DrawBitmap(decoded, new SKRect(0, 0, rgba.Width, rgba.Height), paint);
        }
        return rgba;
    }

    /// <summary>Writes an RGBA bitmap's pixels as planar float32 in [−1, 1]: RGB, or BT.601 luma for one channel.</summary>
    internal static void CopyPixels(SKBitmap bitmap, int channels, Span<float> target)
    {
        int plane = bitmap.Width * bitmap.Height;
        var bytes = bitmap.GetPixelSpan();
        for (int p = 0; p < plane; p++)
        {
            byte r = bytes[4 * p], g = bytes[4 * p + 1], b = bytes[4 * p + 2];
            if (channels == 1)
            {
                // ITU-R BT.601 luma, as PIL's convert("L").
                target[p] = (float)((0.299 * r + 0.587 * g + 0.114 * b) / 127.5 - 1);
            }
            else
            {
                target[p] = r / 127.5f - 1;
                target[plane + p] = g / 127.5f - 1;
                target[2 * plane + p] = b / 127.5f - 1;
            }
        }
    }
}
