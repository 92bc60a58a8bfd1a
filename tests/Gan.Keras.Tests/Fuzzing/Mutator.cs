using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Gan.Keras.Tests.Fuzzing;

/// <summary>
/// Mutates valid files, deterministically for a seed: bit flips, byte overwrites, truncations, chunk deletions,
/// duplications and insertions, appended garbage, and length or offset fields set to extremes (0, −1, the file's
/// length ± 1, int/long minimum and maximum, 2³¹, 2³², …). One to four mutations are stacked per case, as AFL's havoc
/// stage does.
/// </summary>
public sealed class Mutator
{
    private static readonly byte[] InterestingBytes = { 0x00, 0x01, 0x7f, 0x80, 0xff, (byte)'0', (byte)'9', (byte)'"', (byte)'{', (byte)'[' };

    /// <summary>Initializes a new instance of the <see cref="Mutator"/> class.</summary>
    /// <param name="seed">The seed: the same seed gives the same cases.</param>
    public Mutator(int seed)
    {
        Random = new Random(seed);
    }

    /// <summary>Gets the random source, for format-aware mutations a test adds (a JSON header, a tar member).</summary>
    public Random Random { get; }

    /// <summary>Mutates <paramref name="input"/> with one to four stacked mutations.</summary>
    /// <param name="input">A valid file.</param>
    /// <param name="fields">Known length and offset fields; extremes are written there most of the time, else at a random offset.</param>
    public Mutation Mutate(byte[] input, IReadOnlyList<IntegerField>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(input);
        int count = Random.Next(10) switch { < 6 => 1, < 8 => 2, < 9 => 3, _ => 4 };
        var bytes = input;
        var description = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            if (i > 0) description.Append("; ");
            bytes = MutateOnce(bytes, fields ?? Array.Empty<IntegerField>(), description);
        }
        return new Mutation(description.ToString(), bytes);
    }

    /// <summary>Gets an extreme value for a field of a file of <paramref name="length"/> bytes.</summary>
    public long Extreme(long length) => Random.Next(16) switch
    {
        0 => 0,
        1 => 1,
        2 => -1,
        3 => int.MaxValue,
        4 => int.MinValue,
        5 => uint.MaxValue,
        6 => long.MaxValue,
        7 => long.MinValue,
        8 => length,
        9 => length - 1,
        10 => length + 1,
        11 => 1L << 31,
        12 => 1L << 32,
        13 => 1L << 53,
        14 => -Random.NextInt64(1, 1L << 40),
        _ => Random.NextInt64(0, Math.Max(2, length * 4)),
    };

    private byte[] MutateOnce(byte[] input, IReadOnlyList<IntegerField> fields, StringBuilder description)
    {
        if (input.Length == 0)
        {
            var garbage = RandomBytes(Random.Next(1, 64));
            description.Append(CultureInfo.InvariantCulture, $"replace empty file with {garbage.Length} random bytes");
            return garbage;
        }
        int kind = Random.Next(100);
        if (kind < 25) return FlipBits(input, description);
        if (kind < 35) return OverwriteBytes(input, description);
        if (kind < 50) return Truncate(input, description);
        if (kind < 55) return DeleteChunk(input, description);
        if (kind < 60) return DuplicateChunk(input, description);
        if (kind < 65) return InsertBytes(input, description);
        if (kind < 70) return Append(input, description);
        return SetField(input, fields, description);
    }

    private byte[] FlipBits(byte[] input, StringBuilder description)
    {
        var bytes = (byte[])input.Clone();
        int flips = Random.Next(1, 5);
        description.Append("flip");
        for (int i = 0; i < flips; i++)
        {
            int at = Random.Next(bytes.Length), bit = Random.Next(8);
            bytes[at] ^= (byte)(1 << bit);
            description.Append(CultureInfo.InvariantCulture, $" bit {bit} of byte {at}");
        }
        return bytes;
    }

    private byte[] OverwriteBytes(byte[] input, StringBuilder description)
    {
        var bytes = (byte[])input.Clone();
        int at = Random.Next(bytes.Length), run = Math.Min(Random.Next(1, 9), bytes.Length - at);
        byte value = Random.Next(2) == 0 ? InterestingBytes[Random.Next(InterestingBytes.Length)] : (byte)Random.Next(256);
        bytes.AsSpan(at, run).Fill(value);
        description.Append(CultureInfo.InvariantCulture, $"set bytes {at}..{at + run} to 0x{value:x2}");
        return bytes;
    }

    private byte[] Truncate(byte[] input, StringBuilder description)
    {
        // Half the cuts fall in the first 64 bytes, where the headers are.
        int length = Random.Next(2) == 0 ? Random.Next(Math.Min(64, input.Length)) : Random.Next(input.Length);
        description.Append(CultureInfo.InvariantCulture, $"truncate to {length} of {input.Length} bytes");
        return input.AsSpan(0, length).ToArray();
    }

    private byte[] DeleteChunk(byte[] input, StringBuilder description)
    {
        int at = Random.Next(input.Length), run = Random.Next(1, Math.Min(64, input.Length - at) + 1);
        description.Append(CultureInfo.InvariantCulture, $"delete bytes {at}..{at + run}");
        return [.. input.AsSpan(0, at), .. input.AsSpan(at + run)];
    }

    private byte[] DuplicateChunk(byte[] input, StringBuilder description)
    {
        int at = Random.Next(input.Length), run = Random.Next(1, Math.Min(256, input.Length - at) + 1);
        int to = Random.Next(input.Length + 1);
        description.Append(CultureInfo.InvariantCulture, $"copy bytes {at}..{at + run} to {to}");
        return [.. input.AsSpan(0, to), .. input.AsSpan(at, run), .. input.AsSpan(to)];
    }

    private byte[] InsertBytes(byte[] input, StringBuilder description)
    {
        int to = Random.Next(input.Length + 1);
        var inserted = RandomBytes(Random.Next(1, 17));
        description.Append(CultureInfo.InvariantCulture, $"insert {inserted.Length} random bytes at {to}");
        return [.. input.AsSpan(0, to), .. inserted, .. input.AsSpan(to)];
    }

    private byte[] Append(byte[] input, StringBuilder description)
    {
        var tail = Random.Next(2) == 0 ? RandomBytes(Random.Next(1, 65)) : input.AsSpan(Random.Next(input.Length)).ToArray();
        description.Append(CultureInfo.InvariantCulture, $"append {tail.Length} bytes");
        return [.. input, .. tail];
    }

    private byte[] SetField(byte[] input, IReadOnlyList<IntegerField> fields, StringBuilder description)
    {
        var bytes = (byte[])input.Clone();
        long value = Extreme(bytes.Length);
        if (fields.Count > 0 && Random.Next(4) != 0)
        {
            var field = fields[Random.Next(fields.Count)];
            if (field.Offset + field.Width > bytes.Length) return Truncate(input, description);
            Write(bytes.AsSpan(field.Offset, field.Width), field.Encoding, value);
            description.Append(CultureInfo.InvariantCulture, $"set {field.Name} (byte {field.Offset}) to {value}");
            return bytes;
        }
        int width = Random.Next(2) == 0 ? 4 : 8;
        if (bytes.Length < width) return Truncate(input, description);
        // Fields are aligned in the formats read here; prefer aligned offsets.
        int at = Random.Next(bytes.Length - width + 1);
        if (Random.Next(3) != 0) at -= at % 4;
        var encoding = width == 8 ? FieldEncoding.Int64LittleEndian : Random.Next(2) == 0 ? FieldEncoding.Int32BigEndian : FieldEncoding.Int32LittleEndian;
        Write(bytes.AsSpan(at, width), encoding, value);
        description.Append(CultureInfo.InvariantCulture, $"write {value} as {encoding} at byte {at}");
        return bytes;
    }

    private static void Write(Span<byte> target, FieldEncoding encoding, long value)
    {
        switch (encoding)
        {
            case FieldEncoding.Int16BigEndian: BinaryPrimitives.WriteInt16BigEndian(target, unchecked((short)value)); break;
            case FieldEncoding.Int32BigEndian: BinaryPrimitives.WriteInt32BigEndian(target, unchecked((int)value)); break;
            case FieldEncoding.Int32LittleEndian: BinaryPrimitives.WriteInt32LittleEndian(target, unchecked((int)value)); break;
            case FieldEncoding.Int64LittleEndian: BinaryPrimitives.WriteInt64LittleEndian(target, value); break;
            case FieldEncoding.Octal:
                // Negative values become their two's complement in octal, as many digits as fit: what a corrupt header holds.
                string octal = Convert.ToString(value, 8);
                if (octal.Length > target.Length - 1) octal = octal[^(target.Length - 1)..];
                target.Clear();
                Encoding.ASCII.GetBytes(octal.PadLeft(target.Length - 1, '0'), target);
                break;
            default: throw new ArgumentOutOfRangeException(nameof(encoding), encoding, null);
        }
    }

    private byte[] RandomBytes(int count)
    {
        var bytes = new byte[count];
        Random.NextBytes(bytes);
        return bytes;
    }
}
