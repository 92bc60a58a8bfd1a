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

    /// <summary>
    /// Draws an epoch's order of all example indices as <see cref="GetBatches"/> does when the epoch starts: a
    /// permutation from <paramref name="generator"/> when shuffling, else 0, 1, 2, …; so the generator advances exactly
    /// as in a <see cref="GetBatches"/> epoch.
    /// </summary>
    /// <param name="shuffle">Whether to shuffle.</param>
    /// <param name="generator">The random generator of the shuffle; the global one when null.</param>
    public long[] DrawOrder(bool shuffle, torch.Generator? generator = null)
    {
        if (!shuffle)
        {
            var identity = new long[Count];
            for (long i = 0; i < identity.LongLength; i++) identity[i] = i;
            return identity;
        }
        using var permutation = torch.randperm(Count, generator: generator);
        return permutation.data<long>().ToArray();
    }

    /// <summary>
    /// Yields batches of the given examples in the given order (a rank's shard of an epoch, see
    /// <c>Training.Distributed.EpochShard</c>): batch b holds <c>indices[b·batchSize .. (b + 1)·batchSize)</c>; a last,
    /// smaller batch is dropped. New CPU tensors, owned by the caller, as <see cref="GetBatches"/> yields.
    /// </summary>
    /// <param name="indices">Example indices, each in [0, <see cref="Count"/>).</param>
    /// <param name="batchSize">Examples per batch; positive.</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public IEnumerable<Batch> GetBatchesOf(IReadOnlyList<long> indices, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(indices);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var copy = indices.ToArray();
        foreach (long index in copy)
            if (index < 0 || index >= Count)
                throw new ArgumentOutOfRangeException(nameof(indices), index, $"Example index {index} is outside dataset '{Name}' ({Count} examples).");
        return IterateIndices(copy, batchSize);
    }

    /// <summary>
    /// Returns a dataset whose features pass through <paramref name="function"/> as they are read, as Keras's
    /// <c>dataset.map(f)</c>: <c>data.Map(x =&gt; x / 127.5 - 1)</c>. The function runs on whole batches and must treat
    /// their examples independently; see <see cref="MappedDataset"/>.
    /// </summary>
    /// <param name="function">From a batch of features <c>[batch, ...]</c> to a batch with the same first dimension.</param>
    /// <param name="name">The new dataset's name; this one's when null.</param>
    public MappedDataset Map(Func<torch.Tensor, torch.Tensor> function, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(function);
        return new MappedDataset(this, function, name ?? Name);
    }

    /// <summary>
    /// Reads every example once, in order, into memory, as Keras's <c>dataset.cache()</c> keeps what a first epoch read:
    /// later epochs of the returned dataset repeat no file reading and no <see cref="Map"/> function.
    /// </summary>
    /// <returns>A new in-memory dataset with the same examples, labels and name; dispose it.</returns>
    public InMemoryDataset Cache()
    {
        using var scope = torch.NewDisposeScope();
        var features = new List<torch.Tensor>();
        var labels = new List<torch.Tensor>();
        foreach (var batch in GetBatches((int)Math.Min(Count, 1024), shuffle: false, dropRemainder: false))
        {
            features.Add(batch.Features);
            if (batch.Labels is { } l) labels.Add(l);
        }
        return new InMemoryDataset(torch.cat(features), HasLabels ? torch.cat(labels) : null, Name);
    }

    /// <summary>
    /// Returns this dataset read in batches of <paramref name="batchSize"/>, one epoch per enumeration, as Keras's
    /// <c>dataset.shuffle(n).batch(size)</c>; see <see cref="BatchedDataset"/>.
    /// </summary>
    /// <param name="batchSize">Examples per batch; positive.</param>
    /// <param name="dropRemainder">Whether to drop a last, smaller batch (Keras's <c>drop_remainder</c>, false by default).</param>
    /// <param name="shuffle">Whether each epoch is shuffled.</param>
    /// <param name="seed">Seed of the shuffles; the global torch generator when null.</param>
    /// <exception cref="ArgumentException">Dropping the remainder leaves no batch.</exception>
    public BatchedDataset Batch(int batchSize, bool dropRemainder = false, bool shuffle = false, long? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (dropRemainder && batchSize > Count)
            throw new ArgumentException($"Batch size {batchSize} is larger than dataset '{Name}' ({Count} examples), so dropping the remainder leaves no batch. Use a batch size of at most {Count}.", nameof(batchSize));
        return new BatchedDataset(this, batchSize, dropRemainder, shuffle, seed);
    }

    /// <summary>
    /// Pairs two datasets, as Keras's <c>tf.data.Dataset.zip((first, second))</c>: each step of
    /// <see cref="ZippedDataset.GetBatches"/> yields a batch of each, until the shorter one ends.
    /// </summary>
    /// <param name="first">The first dataset.</param>
    /// <param name="second">The second dataset.</param>
    public static ZippedDataset Zip(Dataset first, Dataset second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return new ZippedDataset(first, second);
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

    /// <summary>
    /// Yields whole batches of the given examples in order, once the indices are checked (see
    /// <see cref="GetBatchesOf"/>). The default throws; the kinds of dataset that can read
    /// chosen examples (<see cref="InMemoryDataset"/>, <see cref="StreamingDataset"/>) override it.
    /// </summary>
    /// <param name="indices">Example indices in [0, <see cref="Count"/>), in training order.</param>
    /// <param name="batchSize">Examples per batch; positive.</param>
    /// <exception cref="NotSupportedException">This kind of dataset cannot read chosen examples.</exception>
    protected virtual IEnumerable<Batch> IterateIndices(long[] indices, int batchSize) =>
        throw new NotSupportedException($"Dataset '{Name}' ({GetType().Name}) cannot read chosen examples, which data-parallel training needs (each rank reads its own shard). Use an InMemoryDataset or a StreamingDataset, or override IterateIndices.");

    /// <summary>Releases resources.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
    }
}
