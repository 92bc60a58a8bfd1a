namespace Gan.Keras.Data;

/// <summary>
/// A folder of images with one subfolder per class (as <see cref="ImageFolder"/>) read from disk batch by batch:
/// memory holds the file list and a few decoded batches, not the images. Decodes exactly as <see cref="ImageFolder.Load"/>.
/// </summary>
public sealed class StreamedImageFolder : StreamingDataset
{
    private readonly (string File, int Label)[] files;
    private readonly int channels;
    private readonly int? size;
    private readonly (int Width, int Height) imageSize;

    private StreamedImageFolder(string name, (string File, int Label)[] files, int channels, int? size, (int Width, int Height) imageSize, bool flatten, int prefetch, int? workers)
        : base(name, files.Length, flatten ? new long[] { (long)channels * imageSize.Height * imageSize.Width } : new long[] { channels, imageSize.Height, imageSize.Width }, hasLabels: true, prefetch, workers)
    {
        this.files = files;
        this.channels = channels;
        this.size = size;
        this.imageSize = imageSize;
    }

    /// <summary>Opens a folder for streaming; the first image gives the size when <paramref name="size"/> is null.</summary>
    /// <param name="directory">The root folder; each subfolder is a class.</param>
    /// <param name="channels">1 (grayscale, luminance) or 3 (RGB).</param>
    /// <param name="size">When given, every image is resized to <c>size × size</c>; otherwise all images must have the first one's size.</param>
    /// <param name="flatten">Whether images are flattened to <c>[channels · height · width]</c>.</param>
    /// <param name="limit">Optional number of images to keep (classes in order, files in ordinal order).</param>
    /// <param name="prefetch">Batches decoded ahead.</param>
    /// <param name="workers">Decoding threads; by default the processor count.</param>
    /// <exception cref="InvalidDataException">The folder has no images, or (the first image now, the others while streaming) a file cannot be decoded (corrupt, truncated, or declaring more pixels than its length can hold) or has another size; the message names the file.</exception>
    public static StreamedImageFolder Open(string directory, int channels = 3, int? size = null, bool flatten = false, int? limit = null, int prefetch = 2, int? workers = null)
    {
        var (name, files) = ImageFolder.ListFiles(directory, channels, size, limit);
        using var first = ImageFolder.Decode(files[0].File, size);
        return new StreamedImageFolder(name, files, channels, size, (first.Width, first.Height), flatten, prefetch, workers);
    }

    /// <inheritdoc />
    protected override long ReadExample(long index, Span<float> destination)
    {
        var (file, label) = files[index];
        using var bitmap = ImageFolder.Decode(file, size);
        if (bitmap.Width != imageSize.Width || bitmap.Height != imageSize.Height)
            throw new InvalidDataException($"Image '{file}' is {bitmap.Width}×{bitmap.Height}, but '{files[0].File}' is {imageSize.Width}×{imageSize.Height}. Pass a size to resize every image to the same square size.");
        ImageFolder.CopyPixels(bitmap, channels, destination);
        return label;
    }
}
