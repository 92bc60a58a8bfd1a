using System.IO.Compression;

namespace Gan.Keras.Tests.Fuzzing;

/// <summary>Helpers for fuzzing readers that take a path: one temporary file rewritten per case, and gzip framing.</summary>
public static class FuzzFile
{
    /// <summary>Gets a path named <paramref name="name"/> in a fresh temporary folder.</summary>
    public static string NewPath(string name) => Path.Combine(TestPaths.NewTempFolder(), name);

    /// <summary>Compresses <paramref name="bytes"/> as one gzip member (fastest level, as the reader must take any level).</summary>
    public static byte[] Gzip(byte[] bytes)
    {
        using var memory = new MemoryStream();
        using (var gzip = new GZipStream(memory, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(bytes);
        return memory.ToArray();
    }

    /// <summary>Gets the gzip trailer's fields (CRC-32 and ISIZE, little-endian) of a gzip file of <paramref name="length"/> bytes.</summary>
    public static IntegerField[] GzipTrailer(int length) =>
    [
        new(length - 8, 4, FieldEncoding.Int32LittleEndian, "gzip CRC-32"),
        new(length - 4, 4, FieldEncoding.Int32LittleEndian, "gzip ISIZE"),
    ];
}
