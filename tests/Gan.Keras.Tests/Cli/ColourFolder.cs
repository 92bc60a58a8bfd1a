using Gan.Keras.Data;
using SkiaSharp;

namespace Gan.Keras.Tests.Cli;

/// <summary>Writes a folder of colour PNG shapes (one subfolder per class, as gan train --data FOLDER reads) for fast CLI runs.</summary>
internal static class ColourFolder
{
    /// <summary>Writes <paramref name="count"/> RGB images of <paramref name="side"/>² pixels in <paramref name="classes"/> class subfolders.</summary>
    public static string Write(int count, int side, int classes = 2, long seed = 0)
    {
        string root = TestPaths.NewTempFolder();
        using var shapes = ProceduralShapes.Load(count, seed, channels: 3, side: side);
        var pixels = shapes.Features.add(1).mul(127.5).round().to_type(TorchSharp.torch.uint8).contiguous().data<byte>().ToArray();
        var labels = shapes.Labels!.data<long>().ToArray();
        int plane = side * side;
        for (int i = 0; i < count; i++)
        {
            string folder = Path.Combine(root, $"class{labels[i] % classes}");
            Directory.CreateDirectory(folder);
            using var bitmap = new SKBitmap(new SKImageInfo(side, side, SKColorType.Rgba8888, SKAlphaType.Opaque));
            for (int p = 0; p < plane; p++)
            {
                int offset = i * 3 * plane + p;
                bitmap.SetPixel(p % side, p / side, new SKColor(pixels[offset], pixels[offset + plane], pixels[offset + 2 * plane]));
            }
            using var image = SKImage.FromBitmap(bitmap);
            using var png = image.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(Path.Combine(folder, $"{i:D4}.png"), png.ToArray());
        }
        return root;
    }
}
