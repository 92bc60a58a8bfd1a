using System.Buffers.Binary;
using System.IO.Compression;

namespace Gan.Keras.Data;

/// <summary>
/// The IDX format of MNIST-family datasets: a 4-byte magic (two zero bytes, a type code, the number of dimensions),
/// one big-endian int32 per dimension, then the data. Only unsigned bytes (type 0x08) are read. Gzip-compressed files
/// (<c>.gz</c>, detected by content) are decompressed on the fly.
/// </summary>
public static class IdxFile
{
    private const byte UnsignedByteType = 0x08;

    /// <summary>Reads an IDX file of unsigned bytes.</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <param name="expectedDimensions">When given, the number of dimensions the file must have (3 for images, 1 for labels).</param>
    /// <returns>The dimensions and the data, row-major.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid IDX; the message names the file and what is wrong.</exception>
    public static (int[] Shape, byte[] Data) Read(string path, int? expectedDimensions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        byte[] bytes;
        try
        {
            bytes = Decompress(path);
        }
        catch (InvalidDataException ex)
        {
            throw new InvalidDataException($"IDX file '{path}' is not a valid gzip stream (truncated or corrupt): {ex.Message}", ex);
        }
        return Parse(bytes, path, expectedDimensions);
    }

    /// <summary>Parses IDX bytes (already decompressed); <paramref name="source"/> names them in errors.</summary>
    public static (int[] Shape, byte[] Data) Parse(byte[] bytes, string source, int? expectedDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        if (bytes.Length < 4)
            throw new InvalidDataException($"IDX file '{source}' is too short ({bytes.Length} bytes) to hold the 4-byte magic number.");
        if (bytes[0] != 0 || bytes[1] != 0)
            throw new InvalidDataException($"IDX file '{source}' has a bad magic number at byte 0 (0x{bytes[0]:x2}{bytes[1]:x2}{bytes[2]:x2}{bytes[3]:x2}); expected 0x0000 then type and rank, e.g. 0x00000803 for images.");
        if (bytes[2] != UnsignedByteType)
            throw new InvalidDataException($"IDX file '{source}' holds data type 0x{bytes[2]:x2} at byte 2; only unsigned bytes (0x08) are supported.");
        int rank = bytes[3];
        if (rank == 0 || (expectedDimensions is { } expected && rank != expected))
            throw new InvalidDataException($"IDX file '{source}' has {rank} dimensions (byte 3), but {expectedDimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "at least 1"} {(expectedDimensions == 1 ? "is" : "are")} expected.");
        int headerLength = 4 + 4 * rank;
        if (bytes.Length < headerLength)
            throw new InvalidDataException($"IDX file '{source}' is truncated in its header: {bytes.Length} bytes, but {rank} dimensions need {headerLength}.");
        var shape = new int[rank];
        long total = 1;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4 + 4 * i));
            if (shape[i] <= 0)
                throw new InvalidDataException($"IDX file '{source}' declares dimension {i} as {shape[i]} (byte {4 + 4 * i}); dimensions must be positive.");
            total *= shape[i];
        }
        long actual = bytes.Length - headerLength;
        if (actual != total)
            throw new InvalidDataException($"IDX file '{source}' should hold {total} data bytes for shape [{string.Join(", ", shape)}] after its {headerLength}-byte header, but holds {actual}{(actual < total ? " (truncated)" : " (trailing bytes)")}.");
        return (shape, bytes.AsSpan(headerLength).ToArray());
    }

    private static byte[] Decompress(string path)
    {
        using var file = File.OpenRead(path);
        int first = file.ReadByte();
        int second = file.ReadByte();
        file.Position = 0;
        bool gzip = first == 0x1f && second == 0x8b;
        using var stream = gzip ? new GZipStream(file, CompressionMode.Decompress) : (Stream)file;
        using var memory = new MemoryStream();
        stream.CopyTo(memory);
        return memory.ToArray();
    }
}
