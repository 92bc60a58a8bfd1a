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

    /// <summary>The most a gzip stream expands: deflate's limit is 1,032:1, plus the gzip header and trailer.</summary>
    private const long MaxGzipRatio = 1032;

    /// <summary>Reads an IDX file of unsigned bytes.</summary>
    /// <param name="path">The file, raw or gzip-compressed.</param>
    /// <param name="expectedDimensions">When given, the number of dimensions the file must have (3 for images, 1 for labels).</param>
    /// <returns>The dimensions and the data, row-major.</returns>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is not valid IDX (whatever its bytes: a bad magic number, dimensions that disagree with its length, a corrupt or truncated gzip stream); the message names the file and what is wrong. The data is allocated only once its header has been checked against the file's length (for gzip, against the most that length can decompress to).</exception>
    public static (int[] Shape, byte[] Data) Read(string path, int? expectedDimensions = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"IDX file '{path}' does not exist.", path);
        using var file = File.OpenRead(path);
        return Read(file, path, expectedDimensions);
    }

    /// <summary>Parses IDX bytes (already decompressed); <paramref name="source"/> names them in errors.</summary>
    /// <exception cref="InvalidDataException">The bytes are not valid IDX; the message names <paramref name="source"/>.</exception>
    public static (int[] Shape, byte[] Data) Parse(byte[] bytes, string source, int? expectedDimensions = null)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        return ReadIdx(stream, source, expectedDimensions, bytes.Length, gzip: false);
    }

    /// <summary>Reads an IDX file, raw or gzip (detected by content), from a seekable stream of its bytes; <paramref name="source"/> names it in errors.</summary>
    internal static (int[] Shape, byte[] Data) Read(Stream file, string source, int? expectedDimensions)
    {
        long length = file.Length;
        Span<byte> magic = stackalloc byte[2];
        bool gzip = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false) == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
        file.Position = 0;
        if (!gzip) return ReadIdx(file, source, expectedDimensions, length, gzip: false);
        using var stream = new GZipStream(file, CompressionMode.Decompress, leaveOpen: true);
        return ReadIdx(stream, source, expectedDimensions, length, gzip: true);
    }

    /// <summary>Reads the header, checks it against what <paramref name="length"/> bytes can hold, then reads exactly the data it declares.</summary>
    private static (int[] Shape, byte[] Data) ReadIdx(Stream stream, string source, int? expectedDimensions, long length, bool gzip)
    {
        Span<byte> magic = stackalloc byte[4];
        int read = Fill(stream, magic, source, gzip);
        if (read < 4)
            throw new InvalidDataException($"IDX file '{source}' is too short ({read} bytes) to hold the 4-byte magic number.");
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"IDX file '{source}' has a bad magic number at byte 0 (0x{magic[0]:x2}{magic[1]:x2}{magic[2]:x2}{magic[3]:x2}); expected 0x0000 then type and rank, e.g. 0x00000803 for images.");
        if (magic[2] != UnsignedByteType)
            throw new InvalidDataException($"IDX file '{source}' holds data type 0x{magic[2]:x2} at byte 2; only unsigned bytes (0x08) are supported.");
        int rank = magic[3];
        if (rank == 0 || (expectedDimensions is { } expected && rank != expected))
            throw new InvalidDataException($"IDX file '{source}' has {rank} dimensions (byte 3), but {expectedDimensions?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "at least 1"} {(expectedDimensions == 1 ? "is" : "are")} expected.");
        int headerLength = 4 + 4 * rank;
        Span<byte> dimensions = stackalloc byte[4 * rank];
        read = Fill(stream, dimensions, source, gzip);
        if (read < dimensions.Length)
            throw new InvalidDataException($"IDX file '{source}' is truncated in its header: {4 + read} bytes, but {rank} dimensions need {headerLength}.");
        // Raw, the data is what follows the header; gzip, at most what the rest can decompress to.
        long room = gzip ? MaxGzipRatio * length : length - headerLength;
        var shape = new int[rank];
        long total = 1;
        bool overflow = false;
        for (int i = 0; i < rank; i++)
        {
            shape[i] = BinaryPrimitives.ReadInt32BigEndian(dimensions[(4 * i)..]);
            if (shape[i] <= 0)
                throw new InvalidDataException($"IDX file '{source}' declares dimension {i} as {shape[i]} (byte {4 + 4 * i}); dimensions must be positive.");
            // Checked before multiplying: 255 dimensions of up to 2³¹ overflow a long.
            if (overflow || total > long.MaxValue / shape[i]) overflow = true;
            else total *= shape[i];
        }
        bool tooLarge = overflow || total > room;
        string dims = string.Join(", ", shape);
        if (!gzip && (tooLarge || total != room))
            throw new InvalidDataException($"IDX file '{source}' should hold {(overflow ? "more than 2^63" : total)} data bytes for shape [{dims}] after its {headerLength}-byte header, but holds {room}{(tooLarge ? " (truncated)" : " (trailing bytes)")}.");
        if (tooLarge)
            throw new InvalidDataException($"IDX file '{source}' declares shape [{dims}], more data than its {length} gzip-compressed bytes can hold (deflate expands at most {MaxGzipRatio}:1): the header is corrupt or the file truncated.");
        var data = new byte[total];
        read = Fill(stream, data, source, gzip);
        Span<byte> extra = stackalloc byte[1];
        if (read < total || Fill(stream, extra, source, gzip) > 0)
            throw new InvalidDataException($"IDX file '{source}' should hold {total} data bytes for shape [{dims}] after its {headerLength}-byte header, but holds {(read < total ? read.ToString(System.Globalization.CultureInfo.InvariantCulture) + " (truncated)" : "more (trailing bytes)")}.");
        return (shape, data);
    }

    /// <summary>Reads until <paramref name="buffer"/> is full or the stream ends; a corrupt gzip stream's error names the file.</summary>
    private static int Fill(Stream stream, Span<byte> buffer, string source, bool gzip)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException ex) when (gzip)
        {
            throw new InvalidDataException($"IDX file '{source}' is not a valid gzip stream (truncated or corrupt): {ex.Message}", ex);
        }
    }
}
