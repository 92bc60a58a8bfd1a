namespace Gan.Keras.Data;

/// <summary>
/// Two datasets read side by side, made by <see cref="Dataset.Zip"/> (Keras's <c>tf.data.Dataset.zip((a, b))</c>):
/// each step yields a batch of each, the two shuffled independently, until the shorter one ends. CycleGAN pairs
/// unaligned images of two domains this way.
/// </summary>
/// <remarks>It reads from the two datasets and does not own them.</remarks>
public sealed class ZippedDataset
{
    internal ZippedDataset(Dataset first, Dataset second)
    {
        First = first;
        Second = second;
    }

    /// <summary>Gets the first dataset.</summary>
    public Dataset First { get; }

    /// <summary>Gets the second dataset.</summary>
    public Dataset Second { get; }

    /// <summary>Gets the number of pairs of examples: the shorter dataset's count.</summary>
    public long Count => Math.Min(First.Count, Second.Count);

    /// <summary>
    /// Yields one epoch of pairs of batches (new CPU tensors owned by the caller), stopping when either dataset ends.
    /// With <paramref name="shuffle"/>, the first dataset's order is drawn from <paramref name="generator"/>, then the second's.
    /// </summary>
    /// <param name="batchSize">Examples per batch of each dataset; positive.</param>
    /// <param name="shuffle">Whether to shuffle each dataset.</param>
    /// <param name="generator">The random generator of the shuffles; the global one when null.</param>
    /// <param name="dropRemainder">Whether a last, smaller batch of either dataset ends the epoch.</param>
    public IEnumerable<(Batch First, Batch Second)> GetBatches(int batchSize, bool shuffle = true, TorchSharp.torch.Generator? generator = null, bool dropRemainder = true)
    {
        var first = First.GetBatches(batchSize, shuffle, generator, dropRemainder);
        var second = Second.GetBatches(batchSize, shuffle, generator, dropRemainder);
        return Pairs(first, second);
    }

    private static IEnumerable<(Batch First, Batch Second)> Pairs(IEnumerable<Batch> first, IEnumerable<Batch> second)
    {
        using var a = first.GetEnumerator();
        using var b = second.GetEnumerator();
        while (a.MoveNext())
        {
            if (!b.MoveNext())
            {
                // The second ended: the batch just read from the first is not handed out.
                a.Current.Features.Dispose();
                a.Current.Labels?.Dispose();
                yield break;
            }
            yield return (a.Current, b.Current);
        }
    }
}
