namespace Gan.Keras.Tests.Fuzzing;

/// <summary>How a length or offset field is written in a binary header.</summary>
public enum FieldEncoding
{
    /// <summary>4 bytes, big-endian (IDX dimensions).</summary>
    Int32BigEndian,

    /// <summary>2 bytes, big-endian (JPEG frame sizes).</summary>
    Int16BigEndian,

    /// <summary>4 bytes, little-endian.</summary>
    Int32LittleEndian,

    /// <summary>8 bytes, little-endian (safetensors header length, TFRecord length).</summary>
    Int64LittleEndian,

    /// <summary>ASCII octal, NUL-terminated, in a fixed-width field (tar sizes and checksums).</summary>
    Octal,
}

/// <summary>A length or offset field of a format, which <see cref="Mutator"/> sets to extreme values.</summary>
/// <param name="Offset">The field's first byte.</param>
/// <param name="Width">The field's width in bytes (2, 4 or 8 for integers, the field width for octal).</param>
/// <param name="Encoding">How the number is written.</param>
/// <param name="Name">The field's name, for the mutation's description.</param>
public sealed record IntegerField(int Offset, int Width, FieldEncoding Encoding, string Name);
