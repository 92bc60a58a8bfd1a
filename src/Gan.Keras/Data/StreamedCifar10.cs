using Microsoft.Win32.SafeHandles;

namespace Gan.Keras.Data;

/// <summary>
/// A CIFAR-10 split (binary version) read record by record from its files: memory holds a few decoded batches, not the
/// split. Decodes exactly as <see cref="Cifar10.Load"/> (<c>x / 127.5 − 1</c>).
/// </summary>
public sealed class StreamedCifar10 : StreamingDataset
{
    private readonly (SafeFileHandle Handle, string Path, long First)[] files;

    private StreamedCifar10(string name, (SafeFileHandle, string, long)[] files, long count, bool flatten, int prefetch, int? workers)
        : base(name, count, flatten ? new long[] { Cifar10.ImageLength } : new long[] { 3, 32, 32 }, hasLabels: true, prefetch, workers)
    {
        this.files = files;
    }

    /// <summary>Opens a split for streaming.</summary>
    /// <param name="directory">The <c>cifar-10-batches-bin</c> folder, or a folder that holds it.</param>
    /// <param name="split"><c>train</c> or <c>test</c>.</param>
    /// <param name="flatten">Whether images are <c>[3072]</c> (channel-major) instead of <c>[3, 32, 32]</c>.</param>
    /// <param name="limit">Optional number of images to keep (the first ones).</param>
    /// <param name="prefetch">Batches decoded ahead.</param>
    /// <param name="workers">Decoding threads; by default the processor count.</param>
    /// <exception cref="InvalidDataException">A file is not a whole number of records (or, while streaming, holds a label above 9); the message names the file and byte offset.</exception>
    public static StreamedCifar10 Open(string directory, string split = "train", bool flatten = false, int? limit = null, int prefetch = 2, int? workers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (limit is { } l) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        string folder = Cifar10.ResolveFolder(directory, split);
        var files = new List<(SafeFileHandle, string, long)>();
        long count = 0;
        try
        {
            foreach (var file in Cifar10.SplitFiles(split))
            {
                if (count >= (limit ?? long.MaxValue)) break;
                string path = Path.Combine(folder, file);
                if (!File.Exists(path))
                    throw new FileNotFoundException($"CIFAR-10 file '{path}' does not exist. Download the binary version (cifar-10-binary.tar.gz), or load it through DatasetCatalog with DatasetOptions.Download set.", path);
                long length = new FileInfo(path).Length;
                Cifar10.CheckLength(path, length);
                files.Add((File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read, FileOptions.RandomAccess), path, count));
                count += length / Cifar10.RecordLength;
            }
            return new StreamedCifar10($"cifar10-{split}", files.ToArray(), Math.Min(count, limit ?? long.MaxValue), flatten, prefetch, workers);
        }
        catch
        {
            foreach (var (handle, _, _) in files) handle.Dispose();
            throw;
        }
    }

    /// <inheritdoc />
    protected override long ReadExample(long index, Span<float> destination)
    {
        int f = files.Length - 1;
        while (files[f].First > index) f--;
        var (handle, path, first) = files[f];
        long offset = (index - first) * Cifar10.RecordLength;
        Span<byte> record = stackalloc byte[Cifar10.RecordLength];
        if (RandomAccess.Read(handle, record, offset) != Cifar10.RecordLength)
            throw new InvalidDataException($"CIFAR-10 file '{path}' ended inside the record at byte offset {offset}: it changed while being read.");
        byte label = record[0];
        if (label >= Cifar10.ClassNames.Count)
            throw new InvalidDataException($"CIFAR-10 file '{path}' holds label {label} at byte offset {offset}; labels must be 0–9. Is this the binary version of CIFAR-10 (not CIFAR-100 or the Python pickles)?");
        for (int i = 0; i < Cifar10.ImageLength; i++) destination[i] = record[1 + i] / 127.5f - 1f;
        return label;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
            foreach (var (handle, _, _) in files) handle.Dispose();
        base.Dispose(disposing);
    }
}
