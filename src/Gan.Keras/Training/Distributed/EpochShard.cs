namespace Gan.Keras.Training.Distributed;

/// <summary>
/// Which examples of an epoch one rank trains on. Every rank draws the same shuffled order of the whole dataset (the
/// random generators are synchronised), cuts it into global batches of <c>ranks × batch</c> examples, one per
/// discriminator update, and takes slice <c>rank</c> of each: the union of the ranks' slices for an update is exactly
/// the global batch one process with batch <c>ranks × batch</c> would train that update on.
/// </summary>
/// <remarks>
/// With n discriminator updates per step (<c>DiscriminatorSteps</c>), a rank's step takes n consecutive slices, as one
/// process's step takes n consecutive global batches. Only whole steps are kept, as with <c>dropRemainder</c>.
/// </remarks>
public sealed class EpochShard
{
    /// <summary>Initializes a new instance of the <see cref="EpochShard"/> class.</summary>
    /// <param name="rank">This rank, 0 to <paramref name="ranks"/> − 1.</param>
    /// <param name="ranks">The number of ranks.</param>
    /// <param name="batchSize">Examples per rank per discriminator update (the per-rank batch).</param>
    /// <param name="updatesPerStep">Discriminator updates per training step, each on its own slice; 1 by default.</param>
    public EpochShard(int rank, int ranks, int batchSize, int updatesPerStep = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ranks);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, ranks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(updatesPerStep);
        Rank = rank;
        Ranks = ranks;
        BatchSize = batchSize;
        UpdatesPerStep = updatesPerStep;
    }

    /// <summary>Gets this rank.</summary>
    public int Rank { get; }

    /// <summary>Gets the number of ranks.</summary>
    public int Ranks { get; }

    /// <summary>Gets the per-rank batch of one discriminator update.</summary>
    public int BatchSize { get; }

    /// <summary>Gets the discriminator updates per training step.</summary>
    public int UpdatesPerStep { get; }

    /// <summary>Gets the examples of one global batch (one discriminator update over all ranks): <c>ranks × batch</c>.</summary>
    public long GlobalBatchSize => (long)Ranks * BatchSize;

    /// <summary>Gets the examples one rank trains on per step: <c>updatesPerStep × batch</c>.</summary>
    public int ExamplesPerStep => checked(UpdatesPerStep * BatchSize);

    /// <summary>Gets the number of whole training steps an epoch of <paramref name="count"/> examples gives every rank.</summary>
    public long StepCount(long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return count / (GlobalBatchSize * UpdatesPerStep);
    }

    /// <summary>
    /// Returns this rank's examples of an epoch, in training order: step s is elements
    /// <c>[s·ExamplesPerStep, (s + 1)·ExamplesPerStep)</c>.
    /// </summary>
    /// <param name="order">The epoch's order of all example indices, the same on every rank.</param>
    public long[] Select(ReadOnlySpan<long> order)
    {
        long updates = StepCount(order.Length) * UpdatesPerStep;
        var mine = new long[updates * BatchSize];
        for (long update = 0; update < updates; update++)
        {
            long start = update * GlobalBatchSize + (long)Rank * BatchSize;
            order.Slice((int)start, BatchSize).CopyTo(mine.AsSpan((int)(update * BatchSize), BatchSize));
        }
        return mine;
    }
}
