using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// A dataset whose examples stay on disk: each batch is decoded when it is needed, on background threads, through a
/// bounded prefetch queue, so memory holds a few batches whatever the dataset's size. Subclasses say how to decode one
/// example (<see cref="ReadExample"/>); <see cref="StreamedImageFolder"/>, <see cref="StreamedCifar10"/> and <see cref="StreamedIdx"/> are the kinds.
/// </summary>
/// <remarks>
/// The order of an epoch is drawn at its start exactly as <see cref="InMemoryDataset"/> draws it
/// (<c>torch.randperm(Count, generator)</c>), and examples decode to the same values, so the same seed gives the same
/// batches from either kind.
/// </remarks>
public abstract class StreamingDataset : Dataset
{
    private readonly long[] elementShape;
    private readonly int elementSize;

    /// <summary>Initializes a new instance of the <see cref="StreamingDataset"/> class.</summary>
    /// <param name="name">The dataset's name, for messages.</param>
    /// <param name="count">The number of examples; positive.</param>
    /// <param name="elementShape">The shape of one example (its product is the floats <see cref="ReadExample"/> writes).</param>
    /// <param name="hasLabels">Whether <see cref="ReadExample"/> returns class labels.</param>
    /// <param name="prefetch">Batches decoded ahead of the one being trained on; positive.</param>
    /// <param name="workers">Threads decoding the examples of one batch; by default the processor count.</param>
    protected StreamingDataset(string name, long count, IReadOnlyList<long> elementShape, bool hasLabels, int prefetch = 2, int? workers = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(elementShape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(prefetch);
        if (workers is { } w) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(w, nameof(workers));
        Name = name;
        Count = count;
        this.elementShape = elementShape.ToArray();
        elementSize = checked((int)this.elementShape.Aggregate(1L, (a, b) => a * b));
        HasLabels = hasLabels;
        Prefetch = prefetch;
        Workers = workers ?? Environment.ProcessorCount;
    }

    /// <inheritdoc />
    public override string Name { get; }

    /// <inheritdoc />
    public override long Count { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ElementShape => elementShape;

    /// <inheritdoc />
    public override bool HasLabels { get; }

    /// <summary>Gets the number of batches decoded ahead of the one being trained on.</summary>
    public int Prefetch { get; }

    /// <summary>Gets the number of threads that decode the examples of a batch.</summary>
    public int Workers { get; }

    /// <summary>Decodes example <paramref name="index"/> into <paramref name="destination"/> (float32, the element shape, in [−1, 1]). Called from several threads at once.</summary>
    /// <returns>The example's class label (0 when the dataset has none).</returns>
    protected abstract long ReadExample(long index, Span<float> destination);

    /// <inheritdoc />
    protected override IEnumerable<Batch> IterateBatches(int batchSize, bool shuffle, torch.Generator? generator, bool dropRemainder)
    {
        // The order is drawn when the epoch starts, as InMemoryDataset draws it.
        long[]? order = null;
        if (shuffle)
        {
            using var permutation = torch.randperm(Count, generator: generator);
            order = permutation.data<long>().ToArray();
        }
        foreach (var batch in Decode(order, Count, batchSize, BatchCount(batchSize, dropRemainder))) yield return batch;
    }

    /// <inheritdoc />
    protected override IEnumerable<Batch> IterateIndices(long[] indices, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(indices);
        return Decode(indices, indices.LongLength, batchSize, indices.LongLength / batchSize);
    }

    /// <summary>Decodes <paramref name="batches"/> batches of examples <c>order[i]</c> (or <c>i</c> without an order), i &lt; <paramref name="count"/>, on worker threads, a few batches ahead.</summary>
    private IEnumerable<Batch> Decode(long[]? order, long count, int batchSize, long batches)
    {
        var queue = Channel.CreateBounded<(float[] Pixels, long[] Labels)>(new BoundedChannelOptions(Prefetch) { SingleReader = true, SingleWriter = true });
        using var cancel = new CancellationTokenSource();
        var producer = Task.Run(async () =>
        {
            try
            {
                for (long b = 0; b < batches; b++)
                {
                    long start = b * batchSize;
                    int n = (int)(Math.Min(start + batchSize, count) - start);
                    var pixels = new float[(long)n * elementSize];
                    var labels = new long[n];
                    Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = Workers, CancellationToken = cancel.Token }, i =>
                        labels[i] = ReadExample(order?[start + i] ?? start + i, pixels.AsSpan(i * elementSize, elementSize)));
                    await queue.Writer.WriteAsync((pixels, labels), cancel.Token).ConfigureAwait(false);
                }
                queue.Writer.Complete();
            }
            catch (AggregateException ex) when (ex.InnerExceptions.Count > 0)
            {
                queue.Writer.Complete(ex.InnerExceptions[0]);
            }
            catch (Exception ex)
            {
                queue.Writer.Complete(ex);
            }
        });
        try
        {
            for (long b = 0; b < batches; b++)
            {
                var (pixels, labels) = Next(queue.Reader);
                var shape = new long[] { labels.Length }.Concat(elementShape).ToArray();
                yield return new Batch(torch.tensor(pixels, shape), HasLabels ? torch.tensor(labels) : null);
            }
        }
        finally
        {
            // An epoch left early (or failed) stops the decoder before the next one starts.
            cancel.Cancel();
            try
            {
                producer.Wait();
            }
            catch (AggregateException)
            {
                // Cancellation, or the error already thrown to the caller.
            }
        }
    }

    private static (float[] Pixels, long[] Labels) Next(ChannelReader<(float[] Pixels, long[] Labels)> reader)
    {
        try
        {
            return reader.ReadAsync().AsTask().GetAwaiter().GetResult();
        }
        catch (ChannelClosedException ex) when (ex.InnerException is { } inner)
        {
            // A decoding error (a corrupt file) reaches the caller as itself.
            ExceptionDispatchInfo.Capture(inner).Throw();
            throw;
        }
    }
}
