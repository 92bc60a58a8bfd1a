using Gan.Keras.Export;
using SkiaSharp;
using TorchSharp;

namespace Gan.Keras.Export.Images;

/// <summary>Renders a batch of images as one PNG grid (SkiaSharp), the usual way to look at a GAN's samples.</summary>
public static class ImageGrid
{
    /// <summary>Saves images as a PNG grid, written atomically.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="images">
    /// <c>[n, c, h, w]</c> (NCHW, c = 1 or 3), <c>[n, h, w]</c>, or flat square images: <c>[n, h·w]</c> gray (MNIST's
    /// <c>[n, 784]</c>) or <c>[n, 3·h·w]</c> RGB in channel-major order (CIFAR-10's <c>[n, 3072]</c>).
    /// Values in <paramref name="range"/>; they are clipped.
    /// </param>
    /// <param name="columns">Images per row; by default the smallest square that holds them all.</param>
    /// <param name="scale">Pixels per image pixel.</param>
    /// <param name="range">The values drawn black and white: the generator's output range (<see cref="Models.GanModel.OutputRange"/>); [−1, 1] (tanh) by default, [0, 1] for a sigmoid.</param>
    public static void SavePng(string path, torch.Tensor images, int? columns = null, int scale = 2, (double Low, double High)? range = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, EncodePng(images, columns, scale, range));
    }

    /// <summary>Renders images as a PNG grid in memory (for TensorBoard image summaries, or to save elsewhere).</summary>
    /// <param name="images">As for <see cref="SavePng"/>.</param>
    /// <param name="columns">Images per row; by default the smallest square that holds them all.</param>
    /// <param name="scale">Pixels per image pixel.</param>
    /// <param name="range">The values drawn black and white; [−1, 1] by default.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] EncodePng(torch.Tensor images, int? columns = null, int scale = 2, (double Low, double High)? range = null)
    {
        ArgumentNullException.ThrowIfNull(images);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(scale);
        var (low, high) = range ?? (-1, 1);
        if (!(low < high) || !double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentOutOfRangeException(nameof(range), range, "The value range needs finite bounds with low < high.");
        using var scope = torch.NewDisposeScope();
        var nchw = ImageLayout.ToNchw(images);
        long n = nchw.shape[0], c = nchw.shape[1], h = nchw.shape[2], w = nchw.shape[3];
        int cols = columns ?? (int)Math.Ceiling(Math.Sqrt(n));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(cols);
        int rows = (int)((n + cols - 1) / cols);
        const int pad = 2;
        var bytes = nchw.detach().cpu().clamp(low, high).sub(low).mul(255 / (high - low)).round().to_type(torch.uint8).contiguous().data<byte>().ToArray();
        int width = (int)(cols * (w * scale + pad) + pad), height = (int)(rows * (h * scale + pad) + pad);
        // Pixels are written into one RGBA buffer and copied into the bitmap once (SKBitmap.SetPixel costs microseconds a call).
        var rgba = new byte[width * height * 4];
        for (int p = 0; p < rgba.Length; p += 4) (rgba[p], rgba[p + 1], rgba[p + 2], rgba[p + 3]) = (40, 40, 40, 255);
        for (long i = 0; i < n; i++)
        {
            int x0 = (int)(pad + (i % cols) * (w * scale + pad)), y0 = (int)(pad + (i / cols) * (h * scale + pad));
            for (long y = 0; y < h; y++)
                for (long x = 0; x < w; x++)
                {
                    byte Channel(long ch) => bytes[((i * c + Math.Min(ch, c - 1)) * h + y) * w + x];
                    byte r = Channel(0), g = Channel(1), b = Channel(2);
                    for (int dy = 0; dy < scale; dy++)
                        for (int dx = 0; dx < scale; dx++)
                        {
                            int p = ((y0 + (int)y * scale + dy) * width + x0 + (int)x * scale + dx) * 4;
                            (rgba[p], rgba[p + 1], rgba[p + 2]) = (r, g, b);
                        }
                }
        }
        using var bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int row = 0; row < height; row++)
            System.Runtime.InteropServices.Marshal.Copy(rgba, row * width * 4, bitmap.GetPixels() + row * bitmap.RowBytes, width * 4);
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }
}
