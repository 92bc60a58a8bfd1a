using System.Globalization;
using System.Text;

namespace Gan.Keras.Internal;

/// <summary>
/// Reads the regular files of a tar stream (ustar, GNU and pax) one at a time, streaming each one's data: memory holds
/// one 512-byte header, plus a pax extended header or GNU long name of at most <see cref="MaxMetadataBytes"/>. Used
/// instead of <see cref="System.Formats.Tar.TarReader"/>, which allocates a pax header's declared size (up to 2 GiB)
/// before reading it, so a few hundred bytes of <c>.tar.gz</c> could make it allocate gigabytes.
/// </summary>
internal static class TarMembers
{
    /// <summary>The most bytes a pax extended header or a GNU long name may declare; they are read into memory.</summary>
    public const int MaxMetadataBytes = 1 << 16;

    private const int BlockSize = 512;

    /// <summary>Calls <paramref name="member"/> with each regular file's name and a stream of its bytes, in archive order.</summary>
    /// <param name="tar">The uncompressed tar stream, read forward only.</param>
    /// <param name="source">Names the archive in errors.</param>
    /// <param name="member">Receives the name (pax <c>path</c> or GNU long name when given, else ustar prefix/name) and the data, which it may read partly or not at all.</param>
    /// <exception cref="InvalidDataException">A header has a bad checksum or number field, a pax record or long name is malformed or too long, or the stream ends inside a header or a member; the message names <paramref name="source"/> and the byte offset in the tar.</exception>
    public static void Read(Stream tar, string source, Action<string, Stream> member)
    {
        ArgumentNullException.ThrowIfNull(tar);
        ArgumentNullException.ThrowIfNull(member);
        var header = new byte[BlockSize];
        long offset = 0;
        string? nextName = null;
        long? nextSize = null;
        while (true)
        {
            int read = tar.ReadAtLeast(header, BlockSize, throwOnEndOfStream: false);
            if (read == 0 || (read == BlockSize && !header.AsSpan().ContainsAnyExcept((byte)0))) return;
            if (read < BlockSize)
                throw Corrupt(source, offset, $"the archive ends {read} bytes into a 512-byte header");
            CheckChecksum(header, source, offset);
            char type = (char)header[156];
            bool metadata = type is 'x' or 'g' or 'L' or 'K';
            long size = metadata ? Number(header.AsSpan(124, 12), source, offset, "size") : nextSize ?? Number(header.AsSpan(124, 12), source, offset, "size");
            string name = nextName ?? HeaderName(header);
            if (!metadata) (nextName, nextSize) = (null, null);
            var data = new MemberStream(tar, size, source, offset + BlockSize, name);
            switch (type)
            {
                case 'x':
                    (nextName, nextSize) = PaxAttributes(ReadMetadata(data, size, source, offset), source, offset, nextName, nextSize);
                    break;
                case 'L':
                    nextName = Encoding.UTF8.GetString(ReadMetadata(data, size, source, offset)).TrimEnd('\0');
                    break;
                case '0' or '\0':
                    member(name, data);
                    break;
            }
            data.SkipRest();
            Skip(tar, Padding(size), source, offset + BlockSize + size, name);
            offset += BlockSize + size + Padding(size);
        }
    }

    private static long Padding(long size) => (BlockSize - size % BlockSize) % BlockSize;

    private static void CheckChecksum(byte[] header, string source, long offset)
    {
        long stored = Number(header.AsSpan(148, 8), source, offset, "checksum");
        long unsigned = 0, signed = 0;
        for (int i = 0; i < BlockSize; i++)
        {
            byte b = i is >= 148 and < 156 ? (byte)' ' : header[i];
            unsigned += b;
            signed += (sbyte)b;
        }
        // Some old tars summed signed bytes; accept either, as GNU tar does.
        if (stored != unsigned && stored != signed)
            throw Corrupt(source, offset, $"its header checksum is {stored}, but the header sums to {unsigned}");
    }

    /// <summary>Reads a numeric field: octal digits (space- or NUL-padded), or GNU base-256 when the top bit is set.</summary>
    private static long Number(ReadOnlySpan<byte> field, string source, long offset, string what)
    {
        if ((field[0] & 0x80) != 0)
        {
            if ((field[0] & 0x40) != 0) throw Corrupt(source, offset, $"its {what} field is a negative base-256 number");
            // Base-256: the remaining bits, big-endian.
            long number = field[0] & 0x3f;
            foreach (byte b in field[1..])
            {
                if (number > long.MaxValue >> 8) throw Corrupt(source, offset, $"its {what} field is a base-256 number too large for any file");
                number = (number << 8) | b;
            }
            return number;
        }
        var digits = field.TrimStart((byte)' ').TrimStart((byte)0);
        int end = digits.IndexOfAny((byte)' ', (byte)0);
        if (end >= 0)
        {
            if (digits[end..].ContainsAnyExcept((byte)' ', (byte)0)) throw Corrupt(source, offset, $"its {what} field '{Printable(field)}' is not an octal number");
            digits = digits[..end];
        }
        long value = 0;
        foreach (byte d in digits)
        {
            if (d is < (byte)'0' or > (byte)'7') throw Corrupt(source, offset, $"its {what} field '{Printable(field)}' is not an octal number");
            value = value * 8 + (d - '0');
        }
        return value;
    }

    private static string HeaderName(byte[] header)
    {
        string name = Text(header.AsSpan(0, 100));
        // POSIX ustar ("ustar\0" "00") keeps the first part of a long name in the prefix field; GNU ("ustar  ") uses it for times.
        bool posix = header.AsSpan(257, 8).SequenceEqual("ustar\u000000"u8);
        string prefix = posix ? Text(header.AsSpan(345, 155)) : string.Empty;
        return prefix.Length > 0 ? $"{prefix}/{name}" : name;
    }

    private static string Text(ReadOnlySpan<byte> field)
    {
        int end = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(end >= 0 ? field[..end] : field);
    }

    private static byte[] ReadMetadata(MemberStream data, long size, string source, long offset)
    {
        if (size > MaxMetadataBytes)
            throw Corrupt(source, offset, $"its pax extended header or GNU long name declares {size} bytes; at most {MaxMetadataBytes} are accepted");
        var bytes = new byte[size];
        data.ReadExactly(bytes);
        return bytes;
    }

    /// <summary>Parses pax records (<c>"LENGTH key=value\n"</c>), keeping <c>path</c> and <c>size</c> for the next entry.</summary>
    private static (string? Name, long? Size) PaxAttributes(byte[] records, string source, long offset, string? name, long? size)
    {
        int at = 0;
        while (at < records.Length)
        {
            if (records[at] == 0) break; // NUL padding after the last record
            int space = records.AsSpan(at).IndexOf((byte)' ');
            if (space <= 0 || !int.TryParse(records.AsSpan(at, space), NumberStyles.None, CultureInfo.InvariantCulture, out int length) || length <= space + 1 || length > records.Length - at || records[at + length - 1] != '\n')
                throw Corrupt(source, offset, $"its pax extended header has a malformed record at byte {at}");
            string record = Encoding.UTF8.GetString(records, at + space + 1, length - space - 2);
            int equals = record.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0) throw Corrupt(source, offset, $"its pax extended header has a record without key=value at byte {at}");
            string key = record[..equals], value = record[(equals + 1)..];
            if (key == "path") name = value;
            else if (key == "size")
                size = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out long parsed)
                    ? parsed
                    : throw Corrupt(source, offset, $"its pax extended header gives size '{value}', not a non-negative integer");
            at += length;
        }
        return (name, size);
    }

    private static void Skip(Stream tar, long count, string source, long offset, string name)
    {
        Span<byte> scratch = stackalloc byte[BlockSize];
        while (count > 0)
        {
            int read = tar.Read(scratch[..(int)Math.Min(count, BlockSize)]);
            if (read == 0) throw Corrupt(source, offset, $"the archive ends inside the padding after '{name}'");
            count -= read;
        }
    }

    private static string Printable(ReadOnlySpan<byte> field) =>
        string.Concat(field.ToArray().Select(b => b is >= 0x20 and < 0x7f ? ((char)b).ToString() : $"\\x{b:x2}"));

    private static InvalidDataException Corrupt(string source, long offset, string what) =>
        new($"Tar archive '{source}' is corrupt at byte {offset} (uncompressed): {what}.");

    /// <summary>One member's data: ends after its size, and raises an error when the archive ends first.</summary>
    private sealed class MemberStream : Stream
    {
        private readonly Stream tar;
        private readonly long size;
        private readonly string source;
        private readonly long offset;
        private readonly string name;
        private long remaining;

        public MemberStream(Stream tar, long size, string source, long offset, string name)
        {
            (this.tar, this.size, this.source, this.offset, this.name) = (tar, size, source, offset, name);
            remaining = size;
        }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => size;

        public override long Position
        {
            get => size - remaining;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (remaining == 0 || buffer.Length == 0) return 0;
            int read = tar.Read(buffer[..(int)Math.Min(buffer.Length, remaining)]);
            if (read == 0)
                throw Corrupt(source, offset + size - remaining, $"the archive ends {remaining} bytes before the end of '{name}' ({size} bytes)");
            remaining -= read;
            return read;
        }

        public void SkipRest()
        {
            Span<byte> scratch = stackalloc byte[BlockSize];
            while (Read(scratch) > 0)
            {
            }
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
