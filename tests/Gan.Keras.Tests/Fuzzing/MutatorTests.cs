using System.Buffers.Binary;
using Gan.Keras.Tests.Fuzzing;
using Xunit;

namespace Gan.Keras.Tests.Fuzzing;

public class MutatorTests
{
    private static readonly byte[] Input = Enumerable.Range(0, 64).Select(i => (byte)i).ToArray();

    [Fact]
    public void Mutate_GivesTheSameCases_ForTheSameSeed()
    {
        var first = new Mutator(5);
        var second = new Mutator(5);

        for (int i = 0; i < 200; i++)
        {
            var (a, b) = (first.Mutate(Input), second.Mutate(Input));
            Assert.Equal(a.Description, b.Description);
            Assert.Equal(a.Bytes, b.Bytes);
        }
    }

    [Fact]
    public void Mutate_UsesEveryKindOfMutation_AndNeverReturnsTheInputArray()
    {
        var mutator = new Mutator(1);

        var descriptions = Enumerable.Range(0, 2000).Select(_ => mutator.Mutate(Input)).Select(m => (m.Description, Same: ReferenceEquals(m.Bytes, Input))).ToList();

        foreach (var kind in new[] { "flip", "set bytes", "truncate", "delete", "copy bytes", "insert", "append", "write" })
            Assert.Contains(descriptions, d => d.Description.Contains(kind, StringComparison.Ordinal));
        Assert.DoesNotContain(descriptions, d => d.Same);
    }

    [Fact]
    public void Mutate_WritesExtremesIntoTheGivenFields()
    {
        var field = new IntegerField(4, 4, FieldEncoding.Int32BigEndian, "count");
        var mutator = new Mutator(2);

        var values = Enumerable.Range(0, 3000).Select(_ => mutator.Mutate(Input, [field]))
            .Where(m => m.Description.StartsWith("set count", StringComparison.Ordinal) && m.Bytes.Length == Input.Length)
            .Select(m => BinaryPrimitives.ReadInt32BigEndian(m.Bytes.AsSpan(4)))
            .ToHashSet();

        Assert.Contains(int.MaxValue, values);
        Assert.Contains(int.MinValue, values);
        Assert.Contains(-1, values);
        Assert.Contains(0, values);
        Assert.Contains(Input.Length + 1, values);
    }
}
