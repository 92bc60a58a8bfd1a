using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// Reads CIFAR-10's binary version (<c>cifar-10-batches-bin</c>): each file is a run of 3,073-byte records, one label
/// byte (0–9) then 3,072 pixel bytes, channel-major (1,024 red, 1,024 green, 1,024 blue, each 32×32 row-major).
/// </summary>
public static class Cifar10
{
    /// <summary>Gets the bytes of one record: 1 label byte and 3 × 32 × 32 pixels.</summary>
    public const int RecordLength = 1 + ImageLength;

    /// <summary>Gets the class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
    };

    internal const int ImageLength = 3 * 32 * 32;

    /// <summary>Gets the files of a split: <c>data_batch_1.bin</c> … <c>data_batch_5.bin</c> for train, <c>test_batch.bin</c> for test.</summary>
    public static IReadOnlyList<string> SplitFiles(string split) => split switch
    {
        "train" => Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray(),
        "test" => new[] { "test_batch.bin" },
        _ => throw new ArgumentException($"CIFAR-10 has splits 'train' and 'test', not '{split}'.", nameof(split)),
    };

    /// <summary>Loads a split as float32 images <c>[n, 3, 32, 32]</c> scaled to [−1, 1], with labels.</summary>
    /// <param name="directory">The <c>cifar-10-batches-bin</c> folder, or a folder that holds it.</param>
    /// <param name="split"><c>train</c> (50,000 images) or <c>test</c> (10,000).</param>
    /// <param name="flatten">Whether images are <c>[3072]</c> (channel-major) instead of <c>[3, 32, 32]</c>.</param>
    /// <param name="limit">Optional number of images to keep (the first ones).</param>
    /// <exception cref="InvalidDataException">A file is not a whole number of records or holds a label above 9; the message names the file and the byte offset.</exception>
    public static InMemoryDataset Load(string directory, string split = "train", bool flatten = false, int? limit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (limit is { } l) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(l, nameof(limit));
        string folder = ResolveFolder(directory, split);
        var pixels = new List<byte[]>();
        var labels = new List<long>();
        int wanted = limit ?? int.MaxValue;
        foreach (var file in SplitFiles(split))
        {
            if (labels.Count >= wanted) break;
            ReadFile(Path.Combine(folder, file), wanted - labels.Count, pixels, labels);
        }
        int count = labels.Count;
        var all = new byte[count * ImageLength];
        for (int i = 0; i < count; i++) pixels[i].CopyTo(all, i * ImageLength);
        using var scope = torch.NewDisposeScope();
        var raw = torch.tensor(all, new long[] { count, 3, 32, 32 }, torch.uint8);
        var scaled = raw.to_type(torch.float32).div_(127.5).sub_(1.0);
        var features = flatten ? scaled.reshape(count, ImageLength) : scaled;
        return new InMemoryDataset(features, torch.tensor(labels.ToArray()), $"cifar10-{split}");
    }

    /// <summary>Reads records from one file, validating its length and every label.</summary>
    internal static void ReadFile(string path, int maxRecords, List<byte[]> pixels, List<long> labels)
    {
        if (!File.Exists(path))
            throw new FileNotFoundException($"CIFAR-10 file '{path}' does not exist. Download the binary version (cifar-10-binary.tar.gz), or load it through DatasetCatalog with DatasetOptions.Download set.", path);
        ReadRecords(File.ReadAllBytes(path), path, maxRecords, pixels, labels);
    }

    /// <summary>Reads records from a file's bytes, validating the length and every label; <paramref name="path"/> names the file in errors.</summary>
    internal static void ReadRecords(byte[] bytes, string path, int maxRecords, List<byte[]> pixels, List<long> labels)
    {
        CheckLength(path, bytes.Length);
        int records = Math.Min(bytes.Length / RecordLength, maxRecords);
        for (int r = 0; r < records; r++)
        {
            int offset = r * RecordLength;
            byte label = bytes[offset];
            if (label >= ClassNames.Count)
                throw new InvalidDataException($"CIFAR-10 file '{path}' holds label {label} at byte offset {offset} (record {r}); labels must be 0–9. Is this the binary version of CIFAR-10 (not CIFAR-100 or the Python pickles)?");
            labels.Add(label);
            pixels.Add(bytes.AsSpan(offset + 1, ImageLength).ToArray());
        }
    }

    /// <summary>Checks that a file of <paramref name="length"/> bytes is a whole, non-zero number of records.</summary>
    internal static void CheckLength(string path, long length)
    {
        if (length != 0 && length % RecordLength == 0) return;
        long whole = length / RecordLength;
        throw new InvalidDataException(
            $"CIFAR-10 file '{path}' is {length} bytes, not a whole number of {RecordLength}-byte records (1 label + 3072 pixels): " +
            (length == 0 ? "it is empty." : $"record {whole} starting at byte offset {whole * RecordLength} is cut short after {length % RecordLength} bytes (truncated download?)."));
    }

    /// <summary>Finds the folder that holds the split's files: the folder itself or its cifar-10-batches-bin.</summary>
    internal static string ResolveFolder(string directory, string split)
    {
        string first = SplitFiles(split)[0];
        foreach (var candidate in new[] { directory, Path.Combine(directory, "cifar-10-batches-bin") })
            if (File.Exists(Path.Combine(candidate, first))) return candidate;
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"CIFAR-10 folder '{directory}' does not exist. Point to the cifar-10-batches-bin folder, or download it (DatasetOptions.Download).");
        throw new FileNotFoundException($"'{directory}' holds no '{first}' (nor cifar-10-batches-bin/{first}). Point to the cifar-10-batches-bin folder of the binary version, or download it (DatasetOptions.Download).", Path.Combine(directory, first));
    }
}
