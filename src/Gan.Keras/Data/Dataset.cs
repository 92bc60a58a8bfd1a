using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// What <c>GanModel.Fit</c> trains on: a finite set of examples of one shape, optionally labelled, read in batches.
/// <see cref="InMemoryDataset"/> holds everything in one tensor; other kinds may read their batches from disk.
/// </summary>
/// <remarks>
/// Shuffling is deterministic: the order of an epoch is drawn once from the generator given to
/// <see cref="GetBatches"/>, so the same seed gives the same batches whatever the kind of dataset.
/// </remarks>
public abstract class Dataset : IDisposable
{
    /// <summary>Gets the dataset's name, for messages (<c>mnist-t10k</c>, <c>ring8</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Gets the number of examples.</summary>
    public abstract long Count { get; }

    /// <summary>Gets the shape of one example (without the batch dimension).</summary>
    public abstract IReadOnlyList<long> ElementShape { get; }

    /// <summary>Gets a value indicating whether every example has an integer class label.</summary>
    public abstract bool HasLabels { get; }

    /// <summary>Gets the number of batches one epoch yields.</summary>
    /// <param name="batchSize">Examples per batch.</param>
    /// <param name="dropRemainder">Whether a last, smaller batch is dropped.</param>
    public long BatchCount(int batchSize, bool dropRemainder) =>
        dropRemainder ? Count / batchSize : (Count + batchSize - 1) / batchSize;

    /// <summary>
    /// Yields one epoch of batches (new CPU tensors, <c>float32</c> features and <c>int64</c> labels, owned by the
    /// caller). With <paramref name="shuffle"/>, the order is drawn from <paramref name="generator"/> when the epoch starts.
    /// </summary>
    /// <param name="batchSize">Examples per batch; positive.</param>
    /// <param name="shuffle">Whether to shuffle the examples.</param>
    /// <param name="generator">The random generator of the shuffle; the global one when null.</param>
    /// <param name="dropRemainder">Whether to drop a last, smaller batch.</param>
    /// <exception cref="ArgumentException">Dropping the remainder leaves no batch.</exception>
    public IEnumerable<Batch> GetBatches(int batchSize, bool shuffle = true, torch.Generator? generator = null, bool dropRemainder = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (dropRemainder && batchSize > Count)
            throw new ArgumentException($"Batch size {batchSize} is larger than dataset '{Name}' ({Count} examples), so dropping the remainder leaves no batch. Use a batch size of at most {Count}.", nameof(batchSize));
        return IterateBatches(batchSize, shuffle, generator, dropRemainder);
    }

    /// <summary>Releases the dataset's tensors, files and threads.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Yields an epoch's batches once the arguments are checked (see <see cref="GetBatches"/>).</summary>
    /// <param name="batchSize">Examples per batch; positive and, with <paramref name="dropRemainder"/>, at most <see cref="Count"/>.</param>
    /// <param name="shuffle">Whether to shuffle the examples.</param>
    /// <param name="generator">The random generator of the shuffle, or null for the global one.</param>
    /// <param name="dropRemainder">Whether to drop a last, smaller batch.</param>
    protected abstract IEnumerable<Batch> IterateBatches(int batchSize, bool shuffle, torch.Generator? generator, bool dropRemainder);

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
