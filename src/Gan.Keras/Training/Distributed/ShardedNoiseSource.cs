using TorchSharp;

namespace Gan.Keras.Training.Distributed;

/// <summary>
/// Draws noise for one rank of a data-parallel run: each draw of <c>n</c> vectors draws <c>ranks × n</c> from the
/// shared source, exactly as one process with the global batch would, and keeps slice <c>rank</c>. Every rank's source
/// therefore stays in step (the same draws in the same order), and the ranks' slices together are the single
/// process's latent batch and penalty coefficients.
/// </summary>
public sealed class ShardedNoiseSource : NoiseSource
{
    private readonly NoiseSource shared;

    /// <summary>Initializes a new instance of the <see cref="ShardedNoiseSource"/> class.</summary>
    /// <param name="shared">The source every rank holds in the same state (the model's seeded generator, synchronised from rank 0).</param>
    /// <param name="rank">This rank.</param>
    /// <param name="ranks">The number of ranks.</param>
    public ShardedNoiseSource(NoiseSource shared, int rank, int ranks)
    {
        ArgumentNullException.ThrowIfNull(shared);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ranks);
        ArgumentOutOfRangeException.ThrowIfNegative(rank);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(rank, ranks);
        this.shared = shared;
        Rank = rank;
        Ranks = ranks;
    }

    /// <summary>Gets this rank.</summary>
    public int Rank { get; }

    /// <summary>Gets the number of ranks.</summary>
    public int Ranks { get; }

    /// <summary>Gets the source the global draws come from.</summary>
    public NoiseSource Shared => shared;

    /// <inheritdoc />
    public override torch.Tensor Normal(long[] shape) => Slice(shape, shared.Normal);

    /// <inheritdoc />
    public override torch.Tensor Uniform(long[] shape) => Slice(shape, shared.Uniform);

    private torch.Tensor Slice(long[] shape, Func<long[], torch.Tensor> draw)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Length == 0 || shape[0] <= 0)
            throw new ArgumentException($"A sharded draw needs a batch dimension first, but the shape is [{string.Join(", ", shape)}].", nameof(shape));
        if (Ranks == 1) return draw(shape);
        var global = (long[])shape.Clone();
        global[0] = checked(shape[0] * Ranks);
        using var all = draw(global);
        return all.narrow(0, Rank * shape[0], shape[0]).clone();
    }
}
