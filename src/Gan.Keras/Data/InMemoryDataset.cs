using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// A dataset held in memory as one tensor, batched with optional seeded shuffling and drop-remainder, like
/// <c>tf.data.Dataset.from_tensor_slices(x).shuffle(...).batch(n, drop_remainder=...)</c>.
/// </summary>
public sealed class InMemoryDataset : Dataset
{
    /// <summary>Initializes a new instance of the <see cref="InMemoryDataset"/> class.</summary>
    /// <param name="features">Examples, <c>[count, ...]</c>, float32. The dataset keeps its own detached copy.</param>
    /// <param name="labels">Optional integer labels, <c>[count]</c>.</param>
    /// <param name="name">A name for messages (<c>mnist-t10k</c>, <c>ring8</c>).</param>
    public InMemoryDataset(torch.Tensor features, torch.Tensor? labels = null, string name = "dataset")
    {
        ArgumentNullException.ThrowIfNull(features);
        if (features.dim() < 2)
            throw new ArgumentException($"Dataset features need shape [count, ...], but got {Shapes.Format(features.shape)}. Add a feature axis, e.g. reshape to [count, 1].", nameof(features));
        if (features.shape[0] == 0)
            throw new ArgumentException("Dataset is empty: it needs at least one example.", nameof(features));
        if (labels is not null && (labels.dim() != 1 || labels.shape[0] != features.shape[0]))
            throw new ArgumentException($"Labels must have shape [{features.shape[0]}] (one per example), but got {Shapes.Format(labels.shape)}.", nameof(labels));
        // The data outlives every training step: detach it from any dispose scope on purpose.
        Features = features.to_type(torch.float32, copy: true).detach().DetachFromDisposeScope();
        Labels = labels?.to_type(torch.int64, copy: true).detach().DetachFromDisposeScope();
        Name = name;
    }

    /// <summary>Gets all examples.</summary>
    public torch.Tensor Features { get; }

    /// <summary>Gets the labels, or null.</summary>
    public torch.Tensor? Labels { get; }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override long Count => Features.shape[0];

    /// <inheritdoc />
    public override IReadOnlyList<long> ElementShape => Features.shape.Skip(1).ToArray();

    /// <inheritdoc />
    public override bool HasLabels => Labels is not null;

    /// <summary>Returns a dataset with the first <paramref name="count"/> examples.</summary>
    public InMemoryDataset Take(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        using var scope = torch.NewDisposeScope();
        long n = Math.Min(count, Count);
        return new InMemoryDataset(Features[..(int)n], Labels?[..(int)n], Name);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Features.Dispose();
            Labels?.Dispose();
        }
        base.Dispose(disposing);
    }

    /// <inheritdoc />
    protected override IEnumerable<Batch> IterateIndices(long[] indices, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(indices);
        long batches = indices.LongLength / batchSize;
        for (long b = 0; b < batches; b++)
        {
            using var index = torch.tensor(indices.AsSpan((int)(b * batchSize), batchSize).ToArray());
            yield return new Batch(Features.index_select(0, index), Labels?.index_select(0, index));
        }
    }

    /// <inheritdoc />
    protected override IEnumerable<Batch> IterateBatches(int batchSize, bool shuffle, torch.Generator? generator, bool dropRemainder)
    {
        // The order is drawn when the epoch starts, so the random stream does not depend on how far it is consumed.
        torch.Tensor? order = shuffle ? torch.randperm(Count, generator: generator).DetachFromDisposeScope() : null;
        try
        {
            long batches = BatchCount(batchSize, dropRemainder);
            for (long b = 0; b < batches; b++)
            {
                long start = b * batchSize;
                long end = Math.Min(start + batchSize, Count);
                if (order is null)
                {
                    yield return new Batch(Features.narrow(0, start, end - start), Labels?.narrow(0, start, end - start));
                }
                else
                {
                    using var index = order.narrow(0, start, end - start);
                    yield return new Batch(Features.index_select(0, index), Labels?.index_select(0, index));
                }
            }
        }
        finally
        {
            order?.Dispose();
        }
    }
}
