using System.Buffers.Binary;
using System.IO.Hashing;

namespace Gan.Keras.Export.TensorBoard;

/// <summary>
/// TFRecord framing, as TensorFlow and TensorBoard read it: per record a little-endian uint64 length, the masked
/// CRC-32C of those 8 bytes, the data, and the masked CRC-32C of the data.
/// </summary>
/// <remarks>
/// The mask is TensorFlow's <c>((crc &gt;&gt; 15) | (crc &lt;&lt; 17)) + 0xa282ead8</c> (tensorflow/core/lib/hash/crc32c.h);
/// CRC-32C is the Castagnoli polynomial, computed by <see cref="Crc32ParameterSet.Crc32C"/>.
/// </remarks>
public static class TfRecord
{
    private const uint MaskDelta = 0xa282ead8u;

    /// <summary>Computes TensorFlow's masked CRC-32C of <paramref name="data"/>.</summary>
    public static uint MaskedCrc32C(ReadOnlySpan<byte> data)
    {
        uint crc = Crc32.HashToUInt32(Crc32ParameterSet.Crc32C, data);
        return unchecked(((crc >> 15) | (crc << 17)) + MaskDelta);
    }

    /// <summary>Writes one record (length, its CRC, data, data CRC).</summary>
    public static void Write(Stream stream, ReadOnlySpan<byte> data)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> header = stackalloc byte[12];
        BinaryPrimitives.WriteUInt64LittleEndian(header, (ulong)data.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header[8..], MaskedCrc32C(header[..8]));
        Span<byte> footer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(footer, MaskedCrc32C(data));
        stream.Write(header);
        stream.Write(data);
        stream.Write(footer);
    }

    /// <summary>Reads every record of a TFRecord file, checking both CRCs of each.</summary>
    /// <exception cref="InvalidDataException">A record is truncated, claims more bytes than the file holds, or a CRC does not match; the message names the file and the byte offset.</exception>
    public static IReadOnlyList<byte[]> ReadAll(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return ReadAll(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads every record of a TFRecord file's bytes; <paramref name="path"/> names the file in errors.</summary>
    internal static IReadOnlyList<byte[]> ReadAll(byte[] bytes, string path)
    {
        var records = new List<byte[]>();
        long offset = 0;
        while (offset < bytes.Length)
        {
            if (bytes.Length - offset < 12)
                throw new InvalidDataException($"'{path}': record at byte {offset} is truncated: {bytes.Length - offset} bytes left, a record header needs 12.");
            var header = bytes.AsSpan((int)offset, 12);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(header);
            uint lengthCrc = BinaryPrimitives.ReadUInt32LittleEndian(header[8..]);
            if (lengthCrc != MaskedCrc32C(header[..8]))
                throw new InvalidDataException($"'{path}': the length CRC of the record at byte {offset} does not match (stored 0x{lengthCrc:x8}, computed 0x{MaskedCrc32C(header[..8]):x8}).");
            // 12 to 15 bytes left make the room for data negative: compare signed, or the cast to ulong lets any length through.
            long room = bytes.Length - offset - 16;
            if (room < 0 || length > (ulong)room)
                throw new InvalidDataException($"'{path}': record at byte {offset} claims {length} data bytes but only {Math.Max(0, room)} remain after its header and data CRC (file truncated).");
            var data = bytes.AsSpan((int)(offset + 12), (int)length);
            uint dataCrc = BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan((int)(offset + 12 + (long)length), 4));
            if (dataCrc != MaskedCrc32C(data))
                throw new InvalidDataException($"'{path}': the data CRC of the record at byte {offset} does not match (stored 0x{dataCrc:x8}, computed 0x{MaskedCrc32C(data):x8}).");
            records.Add(data.ToArray());
            offset += 16 + (long)length;
        }
        return records;
    }
}
