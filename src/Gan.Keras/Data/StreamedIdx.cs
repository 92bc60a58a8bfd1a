using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;

namespace Gan.Keras.Data;

/// <summary>
/// An MNIST-format split (MNIST, Fashion-MNIST, KMNIST) whose images are read from the raw (uncompressed) IDX file
/// image by image: memory holds the labels and a few decoded batches. Decodes exactly as <see cref="Mnist.Load"/>
/// (<c>x / 127.5 − 1</c>). A gzipped file cannot be read at an offset; decompress it first (<c>gunzip -k</c>).
/// </summary>
public sealed class StreamedIdx : StreamingDataset
{
    private const int HeaderLength = 16;
    private readonly SafeFileHandle images;
    private readonly string path;
    private readonly byte[] labels;
    private readonly int pixels;

    private StreamedIdx(string name, SafeFileHandle images, string path, byte[] labels, long count, int rows, int columns, bool flatten, int prefetch, int? workers)
        : base(name, count, flatten ? new long[] { (long)rows * columns } : new long[] { 1, rows, columns }, hasLabels: true, prefetch, workers)
    {
        this.images = images;
        this.path = path;
        this.labels = labels;
        pixels = rows * columns;
    }

    /// <summary>Gets whether <paramref name="directory"/> holds the raw (uncompressed) images file of a split, which streaming needs.</summary>
    public static bool HasRawImages(string directory, string split) => File.Exists(Path.Combine(directory, $"{split}-images-idx3-ubyte"));

    /// <summary>Opens a split for streaming.</summary>
    /// <param name="directory">The folder with <c>{split}-images-idx3-ubyte</c> (raw) and <c>{split}-labels-idx1-ubyte[.gz]</c>.</param>
    /// <param name="split"><c>train</c> or <c>t10k</c>.</param>
    /// <param name="flatten">Whether images are <c>[784]</c> instead of <c>[1, 28, 28]</c>.</param>
    /// <param name="limit">Optional number of images to keep (the first ones).</param>
    /// <param name="name">The dataset's name prefix (<c>mnist</c>); the folder's name when null.</param>
    /// <param name="prefetch">Batches decoded ahead.</param>
    /// <param name="workers">Decoding threads; by default the processor count.</param>
    /// <exception cref="InvalidDataException">The header is not an IDX file of 3-D unsigned bytes, the length does not match it, or the label count differs; the message names the file.</exception>
    public static StreamedIdx Open(string directory, string split = "train", bool flatten = false, int? limit = null, string? name = null, int prefetch = 2, int? workers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (limit is { } l) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        string path = Path.Combine(directory, $"{split}-images-idx3-ubyte");
        if (!File.Exists(path))
            throw new FileNotFoundException($"Streaming needs the raw IDX file '{path}' (a .gz file cannot be read at an offset). Decompress it with `gunzip -k {path}.gz`, or load the split into memory.", path);
        string labelPath = Path.Combine(directory, $"{split}-labels-idx1-ubyte");
        var (labelShape, labels) = IdxFile.Read(File.Exists(labelPath) ? labelPath : labelPath + ".gz", expectedDimensions: 1);
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess);
        try
        {
            Span<byte> header = stackalloc byte[HeaderLength];
            long length = RandomAccess.GetLength(handle);
            if (length < HeaderLength || RandomAccess.Read(handle, header, 0) != HeaderLength || BinaryPrimitives.ReadInt32BigEndian(header) != 0x00000803)
                throw new InvalidDataException($"'{path}' is not an IDX file of 3-D unsigned bytes: its first 4 bytes (magic number) should be 00 00 08 03.");
            int count = BinaryPrimitives.ReadInt32BigEndian(header[4..]);
            int rows = BinaryPrimitives.ReadInt32BigEndian(header[8..]), columns = BinaryPrimitives.ReadInt32BigEndian(header[12..]);
            // Int128: three int32 dimensions overflow a long, and a wrapped product could match a short file's length.
            Int128 expected = HeaderLength + (Int128)count * rows * columns;
            if (count <= 0 || rows <= 0 || columns <= 0 || (long)rows * columns > int.MaxValue || length != expected)
                throw new InvalidDataException($"'{path}' declares {count} images of {rows}×{columns} ({expected} bytes with the header) but is {length} bytes (truncated or corrupt).");
            if (labelShape[0] != count)
                throw new InvalidDataException($"'{path}' holds {count} images but '{labelPath}' holds {labelShape[0]} labels.");
            string prefix = name ?? Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar));
            return new StreamedIdx($"{prefix}-{split}", handle, path, labels, Math.Min(count, limit ?? long.MaxValue), rows, columns, flatten, prefetch, workers);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override long ReadExample(long index, Span<float> destination)
    {
        var image = new byte[pixels];
        long offset = HeaderLength + index * pixels;
        if (RandomAccess.Read(images, image, offset) != pixels)
            throw new InvalidDataException($"IDX file '{path}' ended inside the image at byte offset {offset}: it changed while being read.");
        for (int i = 0; i < pixels; i++) destination[i] = image[i] / 127.5f - 1f;
        return labels[index];
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) images.Dispose();
        base.Dispose(disposing);
    }
}
