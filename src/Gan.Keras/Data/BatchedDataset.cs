using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// A dataset read in batches of a fixed size, made by <see cref="Dataset.Batch"/> (Keras's
/// <c>dataset.shuffle(n).batch(size)</c>): each enumeration is one epoch, for the loops of custom training scripts,
/// <c>foreach (var batch in data.Batch(64, shuffle: true, seed: 1)) { ... }</c>.
/// </summary>
/// <remarks>The batches are new CPU tensors owned by the caller. With a seed, the shuffles come from the batched
/// dataset's own generator, so epochs differ from each other and runs repeat. It reads from its source and does not own it.</remarks>
public sealed class BatchedDataset : IEnumerable<Batch>, IDisposable
{
    private readonly torch.Generator? generator;

    internal BatchedDataset(Dataset source, int batchSize, bool dropRemainder, bool shuffle, long? seed)
    {
        Source = source;
        BatchSize = batchSize;
        DropRemainder = dropRemainder;
        Shuffle = shuffle;
        if (seed is { } s) generator = new torch.Generator((ulong)s, torch.CPU);
    }

    /// <summary>Gets the dataset read.</summary>
    public Dataset Source { get; }

    /// <summary>Gets the number of examples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Gets a value indicating whether a last, smaller batch is dropped.</summary>
    public bool DropRemainder { get; }

    /// <summary>Gets a value indicating whether each epoch is shuffled.</summary>
    public bool Shuffle { get; }

    /// <summary>Gets the number of batches per epoch (Keras's <c>len(dataset)</c>).</summary>
    public long Count => Source.BatchCount(BatchSize, DropRemainder);

    /// <summary>Yields one epoch of batches.</summary>
    public IEnumerator<Batch> GetEnumerator() => Source.GetBatches(BatchSize, Shuffle, generator, DropRemainder).GetEnumerator();

    /// <inheritdoc />
    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Releases the shuffle's generator.</summary>
    public void Dispose() => generator?.Dispose();
}
