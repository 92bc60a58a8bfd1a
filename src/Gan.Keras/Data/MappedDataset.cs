using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// A dataset whose features pass through a function as they are read, made by <see cref="Dataset.Map"/> (Keras's
/// <c>dataset.map(f)</c>): the same examples, labels and order as its source, each batch's features replaced by
/// <c>f(features)</c>.
/// </summary>
/// <remarks>
/// The function runs on whole batches <c>[batch, ...]</c>, as a tf.data map placed after <c>batch</c>; it must treat the
/// examples of a batch independently (an element-wise scaling, a crop, a resize), so that it gives the same result
/// whatever the batch. The element shape is found by running it on the first example. The mapped dataset reads from its
/// source and does not own it: dispose the source when done with both. Random functions draw anew at every epoch; follow
/// with <see cref="Dataset.Cache"/> to compute once.
/// </remarks>
public sealed class MappedDataset : Dataset
{
    private readonly Dataset source;
    private readonly Func<torch.Tensor, torch.Tensor> function;
    private long[]? elementShape;

    internal MappedDataset(Dataset source, Func<torch.Tensor, torch.Tensor> function, string name)
    {
        this.source = source;
        this.function = function;
        Name = name;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override long Count => source.Count;

    /// <inheritdoc />
    /// <remarks>Found by mapping the source's first example once.</remarks>
    public override IReadOnlyList<long> ElementShape => elementShape ??= ProbeShape();

    /// <inheritdoc />
    public override bool HasLabels => source.HasLabels;

    /// <inheritdoc />
    protected override IEnumerable<Batch> IterateBatches(int batchSize, bool shuffle, torch.Generator? generator, bool dropRemainder) =>
        source.GetBatches(batchSize, shuffle, generator, dropRemainder).Select(Apply);

    /// <inheritdoc />
    protected override IEnumerable<Batch> IterateIndices(long[] indices, int batchSize) => source.GetBatchesOf(indices, batchSize).Select(Apply);

    private Batch Apply(Batch batch)
    {
        var mapped = function(batch.Features);
        if (mapped is null || mapped.dim() == 0 || mapped.shape[0] != batch.Size)
            throw new InvalidOperationException(
                $"The function mapped over dataset '{Name}' turned a batch of shape {Shapes.Format(batch.Features.shape)} into {(mapped is null ? "null" : Shapes.Format(mapped.shape))}; it must return a batch with the same first dimension.");
        if (mapped.dtype != torch.float32)
        {
            var converted = mapped.to(torch.float32);
            if (!ReferenceEquals(mapped, batch.Features)) mapped.Dispose();
            mapped = converted;
        }
        // The batch's features belong to the caller: a function that returns new features frees the source's.
        if (!ReferenceEquals(mapped, batch.Features)) batch.Features.Dispose();
        return batch with { Features = mapped };
    }

    private long[] ProbeShape()
    {
        using var scope = torch.NewDisposeScope();
        var first = Apply(source.GetBatches(1, shuffle: false, dropRemainder: false).First());
        first.Labels?.Dispose();
        return first.Features.shape.Skip(1).ToArray();
    }
}
