using Gan.Keras.Export.Images;
using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>Converts a loaded image dataset to other channels or another square size, for data read from fixed-format files (IDX, CIFAR-10).</summary>
internal static class ImageConversion
{
    private static readonly float[] Luma = { 0.299f, 0.587f, 0.114f };

    /// <summary>
    /// Returns <paramref name="dataset"/> converted (a new dataset; the input is disposed), or the input itself when nothing
    /// changes. Gray → RGB repeats the channel; RGB → gray takes ITU-R BT.601 luma (as PIL's <c>convert("L")</c> and
    /// <see cref="ImageFolder"/>); resizing is bilinear with antialiasing when shrinking (as PIL and
    /// <c>torchvision.transforms.Resize</c>).
    /// </summary>
    public static InMemoryDataset Convert(InMemoryDataset dataset, int? channels, int? size, bool flatten)
    {
        if (channels is null && size is null) return dataset;
        if (channels is not (null or 1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Use 1 (grayscale) or 3 (RGB) channels.");
        if (size is { } s) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s, nameof(size));
        using (dataset)
        using (var scope = torch.NewDisposeScope())
        {
            var images = ImageLayout.ToNchw(dataset.Features);
            if (channels == 3 && images.shape[1] == 1) images = images.expand(-1, 3, -1, -1);
            if (channels == 1 && images.shape[1] == 3)
            {
                using var luma = torch.tensor(Luma).reshape(1, 3, 1, 1);
                images = images.mul(luma).sum(1, keepdim: true);
            }
            if (size is { } side && (images.shape[2] != side || images.shape[3] != side))
                images = torch.nn.functional.interpolate(images, new long[] { side, side }, mode: torch.InterpolationMode.Bilinear, align_corners: false, antialias: true).clamp(-1, 1);
            if (flatten) images = images.reshape(images.shape[0], -1);
            return new InMemoryDataset(images, dataset.Labels, dataset.Name);
        }
    }
}
