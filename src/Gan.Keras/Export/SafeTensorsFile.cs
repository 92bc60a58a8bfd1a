using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Json.Nodes;
using TorchSharp;

namespace Gan.Keras.Export;

/// <summary>
/// Reads and writes the <a href="https://huggingface.co/docs/safetensors">safetensors</a> format: an 8-byte
/// little-endian header length N, N bytes of JSON (<c>name → {dtype, shape, data_offsets}</c> and an optional
/// <c>__metadata__</c> of strings), then the raw little-endian data. Python's <c>safetensors</c> reads what this writes.
/// </summary>
public static class SafeTensorsFile
{
    private const long MaxHeaderBytes = 100_000_000;

    // A key given twice is corrupt, not "the last one wins": JsonObject would throw ArgumentException for it later.
    private static readonly JsonDocumentOptions HeaderOptions = new() { AllowDuplicateProperties = false };

    private static readonly Dictionary<string, (torch.ScalarType Type, int Size)> DTypes = new()
    {
        ["F32"] = (torch.ScalarType.Float32, 4),
        ["F64"] = (torch.ScalarType.Float64, 8),
        ["F16"] = (torch.ScalarType.Float16, 2),
        ["BF16"] = (torch.ScalarType.BFloat16, 2),
        ["I64"] = (torch.ScalarType.Int64, 8),
        ["I32"] = (torch.ScalarType.Int32, 4),
        ["I16"] = (torch.ScalarType.Int16, 2),
        ["I8"] = (torch.ScalarType.Int8, 1),
        ["U8"] = (torch.ScalarType.Byte, 1),
        ["BOOL"] = (torch.ScalarType.Bool, 1),
    };

    /// <summary>Writes tensors (moved to CPU, contiguous) and string metadata atomically.</summary>
    public static void Save(string path, IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var write = Serializer(tensors, metadata);
        AtomicFile.Write(path, write);
    }

    /// <summary>Returns the bytes a <see cref="Save"/> of <paramref name="tensors"/> writes (to put them in an archive).</summary>
    internal static byte[] ToBytes(IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        using var memory = new MemoryStream();
        Serializer(tensors, metadata)(memory);
        return memory.ToArray();
    }

    /// <summary>Reads the tensors' bytes now and returns what writes the file to a stream.</summary>
    private static Action<Stream> Serializer(IReadOnlyDictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string>? metadata)
    {
        var header = new JsonObject();
        if (metadata is { Count: > 0 })
        {
            var meta = new JsonObject();
            foreach (var (key, value) in metadata.OrderBy(kv => kv.Key, StringComparer.Ordinal)) meta[key] = value;
            header["__metadata__"] = meta;
        }
        var blobs = new List<byte[]>();
        long offset = 0;
        foreach (var (name, tensor) in tensors.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            if (name == "__metadata__") throw new ArgumentException("'__metadata__' is reserved and cannot name a tensor.", nameof(tensors));
            string dtype = DTypes.FirstOrDefault(kv => kv.Value.Type == tensor.dtype).Key
                ?? throw new ArgumentException($"Tensor '{name}' has dtype {tensor.dtype}, which safetensors cannot store here.", nameof(tensors));
            using var cpu = tensor.detach().cpu().contiguous();
            byte[] data = cpu.bytes.ToArray();
            header[name] = new JsonObject
            {
                ["dtype"] = dtype,
                ["shape"] = new JsonArray(tensor.shape.Select(d => (JsonNode)d).ToArray()),
                ["data_offsets"] = new JsonArray(offset, offset + data.Length),
            };
            blobs.Add(data);
            offset += data.Length;
        }
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(header);
        int padding = (8 - json.Length % 8) % 8;
        return stream =>
        {
            Span<byte> length = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)(json.Length + padding));
            stream.Write(length);
            stream.Write(json);
            for (int i = 0; i < padding; i++) stream.WriteByte((byte)' ');
            foreach (var blob in blobs) stream.Write(blob);
        };
    }

    /// <summary>Reads every tensor (on CPU) and the metadata.</summary>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid safetensors (whatever its bytes: truncated, a header length or offsets past the end, malformed or duplicated JSON keys, negative or overflowing shapes); the message names the file and the offending field or offset. No tensor is left allocated.</exception>
    public static (Dictionary<string, torch.Tensor> Tensors, Dictionary<string, string> Metadata) Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Safetensors file '{path}' does not exist.", path);
        return Load(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads every tensor and the metadata from a file's bytes; <paramref name="path"/> names the file in errors.</summary>
    internal static (Dictionary<string, torch.Tensor> Tensors, Dictionary<string, string> Metadata) Load(byte[] bytes, string path)
    {
        if (bytes.Length < 8)
            throw new InvalidDataException($"'{path}' is not a safetensors file: {bytes.Length} bytes, shorter than the 8-byte header length.");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderBytes || (long)headerLength > bytes.Length - 8)
            throw new InvalidDataException($"'{path}' is not a valid safetensors file: header length {headerLength} at byte 0 exceeds the file ({bytes.Length} bytes).");
        if (!System.Text.Unicode.Utf8.IsValid(bytes.AsSpan(8, (int)headerLength)))
            throw new InvalidDataException($"'{path}' has a corrupt safetensors header: bytes 8..{8 + (long)headerLength} are not valid UTF-8 JSON.");
        JsonObject header;
        try
        {
            header = JsonNode.Parse(bytes.AsSpan(8, (int)headerLength), documentOptions: HeaderOptions)?.AsObject() ?? throw new JsonException("empty header");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new InvalidDataException($"'{path}' has a corrupt safetensors header (bytes 8..{8 + (long)headerLength}): {ex.Message}", ex);
        }
        long dataStart = 8 + (long)headerLength;
        long dataLength = bytes.Length - dataStart;
        var metadata = new Dictionary<string, string>();
        var tensors = new Dictionary<string, torch.Tensor>();
        try
        {
            foreach (var (name, node) in header)
            {
                if (name == "__metadata__")
                {
                    ReadMetadata(path, node, metadata);
                    continue;
                }
                tensors[name] = ReadTensor(path, name, node, bytes, dataStart, dataLength);
            }
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
        return (tensors, metadata);
    }

    private static void ReadMetadata(string path, JsonNode? node, Dictionary<string, string> metadata)
    {
        if (node is not JsonObject entries)
            throw new InvalidDataException($"'{path}': '__metadata__' must be an object of strings, but is {node?.GetValueKind().ToString() ?? "null"}.");
        foreach (var (key, value) in entries)
        {
            if (value is not null && (value.GetValueKind() != JsonValueKind.String))
                throw new InvalidDataException($"'{path}': '__metadata__' entry '{key}' must be a string, but is {value.GetValueKind()}.");
            try
            {
                metadata[key] = value?.GetValue<string>() ?? string.Empty;
            }
            catch (InvalidOperationException ex)
            {
                // A string that is not valid text, such as a lone surrogate escape (\ud800).
                throw new InvalidDataException($"'{path}': '__metadata__' entry '{key}' is not a valid string ({ex.Message}).", ex);
            }
        }
    }

    private static torch.Tensor ReadTensor(string path, string name, JsonNode? node, byte[] bytes, long dataStart, long dataLength)
    {
        try
        {
            string dtype = node!["dtype"]!.GetValue<string>();
            if (!DTypes.TryGetValue(dtype, out var type))
                throw new InvalidDataException($"'{path}': tensor '{name}' has unsupported dtype '{dtype}'.");
            long[] shape = node["shape"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            var offsets = node["data_offsets"]!.AsArray().Select(d => d!.GetValue<long>()).ToArray();
            if (shape.Any(d => d < 0))
                throw new InvalidDataException($"'{path}': tensor '{name}' has shape [{string.Join(", ", shape)}] with a negative dimension.");
            long expected = checked(shape.Aggregate(1L, (a, b) => a * b) * type.Size);
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] < offsets[0] || offsets[1] > dataLength || offsets[1] - offsets[0] != expected)
                throw new InvalidDataException(
                    $"'{path}': tensor '{name}' has data_offsets [{string.Join(", ", offsets)}] that do not fit shape [{string.Join(", ", shape)}] of {dtype} ({expected} bytes) within the {dataLength} data bytes (file truncated or corrupt).");
            var tensor = torch.empty(shape, type.Type);
            bytes.AsSpan((int)(dataStart + offsets[0]), (int)expected).CopyTo(tensor.bytes);
            return tensor.DetachFromDisposeScope();
        }
        catch (Exception ex) when (ex is NullReferenceException or InvalidOperationException or FormatException or JsonException or OverflowException)
        {
            throw new InvalidDataException($"'{path}': the header entry of tensor '{name}' is malformed ({ex.Message}).", ex);
        }
    }
}
