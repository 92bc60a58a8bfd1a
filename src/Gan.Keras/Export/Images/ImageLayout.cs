using TorchSharp;

namespace Gan.Keras.Export.Images;

/// <summary>Reads a batch of images in any of the layouts generators produce as NCHW.</summary>
public static class ImageLayout
{
    /// <summary>
    /// Returns <paramref name="images"/> as <c>[n, c, h, w]</c> (an alias or a reshaped view): NCHW with 1 or 3 channels
    /// is kept, <c>[n, h, w]</c> gets one channel, and a flat vector is a square image, gray when its length is a square
    /// (784 = 28²) and RGB in channel-major order when it is three times one (3072 = 3·32²). No length is both, since √3
    /// is irrational.
    /// </summary>
    /// <exception cref="ArgumentException">The shape is none of these; the message lists them.</exception>
    public static torch.Tensor ToNchw(torch.Tensor images)
    {
        ArgumentNullException.ThrowIfNull(images);
        switch (images.dim())
        {
            case 4 when images.shape[1] is 1 or 3:
                return images.alias();
            case 3:
                return images.unsqueeze(1);
            case 2:
                foreach (long channels in new long[] { 1, 3 })
                {
                    long side = (long)Math.Round(Math.Sqrt(images.shape[1] / (double)channels));
                    if (channels * side * side == images.shape[1]) return images.reshape(images.shape[0], channels, side, side);
                }
                break;
        }
        throw new ArgumentException($"Cannot read images of shape [{string.Join(", ", images.shape)}]: use [n, 1|3, h, w], [n, h, w], or flat square images [n, h·w] (gray) or [n, 3·h·w] (RGB, channel-major).", nameof(images));
    }
}
