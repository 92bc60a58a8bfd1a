using System.IO.Compression;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Export;
using TorchSharp;

namespace Gan.Keras.Saving;

/// <summary>
/// The one-file zip Keras 3's <c>model.save("x.keras")</c> writes (<c>keras/src/saving/saving_lib.py</c>):
/// <c>metadata.json</c>, <c>config.json</c> (the architecture) and the weights, here <c>model.weights.safetensors</c>
/// (Keras writes <c>model.weights.h5</c>). The archive is written atomically and read whole; its CRCs are checked.
/// </summary>
internal static class KerasArchive
{
    /// <summary>The metadata entry.</summary>
    public const string MetadataEntry = "metadata.json";

    /// <summary>The architecture entry.</summary>
    public const string ConfigEntry = "config.json";

    /// <summary>The weights entry.</summary>
    public const string WeightsEntry = "model.weights.safetensors";

    // Fixed entry times: saving the same model twice gives the same bytes.
    private static readonly DateTimeOffset EntryTime = new(1980, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonDocumentOptions JsonOptions = new() { AllowDuplicateProperties = false, MaxDepth = 256 };

    // Relaxed escaping: a registered name stays "Custom>Scale" in the file, not "Custom\u003EScale".
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Writes the archive atomically.</summary>
    public static void Write(string path, JsonObject metadata, JsonObject config, IReadOnlyDictionary<string, torch.Tensor> weights)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] tensors = SafeTensorsFile.ToBytes(weights);
        AtomicFile.Write(path, stream =>
        {
            using var zip = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
            Add(zip, MetadataEntry, Encoding.UTF8.GetBytes(metadata.ToJsonString(Indented)), CompressionLevel.Optimal);
            Add(zip, ConfigEntry, Encoding.UTF8.GetBytes(config.ToJsonString(Indented)), CompressionLevel.Optimal);
            // Weights barely compress; stored, they are read without inflating.
            Add(zip, WeightsEntry, tensors, CompressionLevel.NoCompression);
        });
    }

    /// <summary>Reads an archive's three entries; the tensors are the caller's to dispose.</summary>
    /// <exception cref="InvalidDataException">The bytes are not such an archive (not a zip, an entry missing, too large, failing its CRC, JSON that does not parse); the message names the file and the entry.</exception>
    public static (JsonObject Metadata, JsonObject Config, Dictionary<string, torch.Tensor> Weights) Read(byte[] bytes, string path)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Dictionary<string, byte[]> entries;
        try
        {
            using var zip = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
            entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
            foreach (var name in new[] { MetadataEntry, ConfigEntry, WeightsEntry })
            {
                var entry = zip.GetEntry(name) ?? throw new InvalidDataException($"'{path}' is not a saved model: the archive has no '{name}' (it has {string.Join(", ", zip.Entries.Select(e => $"'{e.FullName}'").DefaultIfEmpty("nothing"))}).");
                entries[name] = ReadEntry(entry, bytes.Length, path);
            }
        }
        catch (InvalidDataException ex) when (!ex.Message.StartsWith($"'{path}'", StringComparison.Ordinal))
        {
            throw new InvalidDataException($"'{path}' is not a valid saved-model zip archive: {OneLine(ex.Message)}", ex);
        }
        catch (Exception ex) when (ex is IOException or NotSupportedException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}' is not a valid saved-model zip archive: {OneLine(ex.Message)}", ex);
        }
        var metadata = ParseObject(entries[MetadataEntry], path, MetadataEntry);
        var config = ParseObject(entries[ConfigEntry], path, ConfigEntry);
        var (weights, _) = SafeTensorsFile.Load(entries[WeightsEntry], $"{path}:{WeightsEntry}");
        return (metadata, config, weights);
    }

    /// <summary>Replaces line breaks so a message stays one line.</summary>
    public static string OneLine(string message) => message.ReplaceLineEndings(" ");

    private static void Add(ZipArchive zip, string name, byte[] data, CompressionLevel level)
    {
        var entry = zip.CreateEntry(name, level);
        entry.LastWriteTime = EntryTime;
        using var stream = entry.Open();
        stream.Write(data);
    }

    private static byte[] ReadEntry(ZipArchiveEntry entry, long archiveLength, string path)
    {
        // Deflate expands at most about 1,032:1: a larger declared size is a corrupt header, refused before allocating it.
        if (entry.Length < 0 || entry.Length > 1100 * Math.Max(entry.CompressedLength, 1) || entry.Length > 1100 * archiveLength || entry.Length > Array.MaxLength)
            throw new InvalidDataException($"'{path}': archive entry '{entry.FullName}' declares {entry.Length} bytes, more than its {entry.CompressedLength} compressed bytes can hold.");
        var data = new byte[entry.Length];
        using var stream = entry.Open();
        int read = 0;
        while (read < data.Length)
        {
            int n = stream.Read(data, read, data.Length - read);
            if (n == 0) throw new InvalidDataException($"'{path}': archive entry '{entry.FullName}' ends after {read} of its {entry.Length} bytes.");
            read += n;
        }
        // Reading past the end makes the stream check the entry's CRC-32.
        if (stream.ReadByte() != -1) throw new InvalidDataException($"'{path}': archive entry '{entry.FullName}' holds more than its declared {entry.Length} bytes.");
        return data;
    }

    private static JsonObject ParseObject(byte[] utf8, string path, string entry)
    {
        try
        {
            return JsonNode.Parse(utf8, documentOptions: JsonOptions) as JsonObject ?? throw new JsonException("the document is not a JSON object");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidDataException($"'{path}': '{entry}' is not valid JSON: {OneLine(ex.Message)}", ex);
        }
    }
}
