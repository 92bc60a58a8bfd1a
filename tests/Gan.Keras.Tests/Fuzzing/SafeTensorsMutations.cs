using System.Buffers.Binary;
using System.Text;

namespace Gan.Keras.Tests.Fuzzing;

/// <summary>
/// Mutations of a safetensors file (weights and checkpoints share the format): the bytes with the 8-byte header length
/// set to extremes, or the JSON header mutated by its structure (duplicated keys, wrong types, extreme shapes and
/// offsets, deep nesting) and framed again with its true length, or with the old one.
/// </summary>
public static class SafeTensorsMutations
{
    private static readonly IntegerField[] Fields = [new(0, 8, FieldEncoding.Int64LittleEndian, "header length")];

    private static readonly string[] Dictionary =
        ["F32", "F64", "F16", "BF16", "I64", "I32", "U8", "BOOL", "F8_E4M3", "Q4", "dtype", "shape", "data_offsets", "__metadata__", "format", "epoch", "step"];

    /// <summary>Mutates <paramref name="valid"/>, a safetensors file.</summary>
    public static Mutation Mutate(Mutator mutator, byte[] valid)
    {
        ArgumentNullException.ThrowIfNull(mutator);
        ArgumentNullException.ThrowIfNull(valid);
        int kind = mutator.Random.Next(20);
        if (kind < 8) return mutator.Mutate(valid, Fields);
        int headerLength = (int)BinaryPrimitives.ReadUInt64LittleEndian(valid);
        string header = Encoding.UTF8.GetString(valid, 8, headerLength).TrimEnd(' ');
        var json = new JsonMutator(mutator.Random, Dictionary).Mutate(header);
        var data = valid.AsSpan(8 + headerLength);
        bool stale = kind >= 17;
        var framed = new byte[8 + json.Bytes.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(framed, stale ? (ulong)headerLength : (ulong)json.Bytes.Length);
        json.Bytes.CopyTo(framed, 8);
        data.CopyTo(framed.AsSpan(8 + json.Bytes.Length));
        return new Mutation($"header {(stale ? "(old length kept)" : "(framed again)")}: {json.Description}", framed);
    }
}
