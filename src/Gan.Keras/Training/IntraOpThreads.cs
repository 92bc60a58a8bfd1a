using Gan.Keras.Models;

namespace Gan.Keras.Training;

/// <summary>
/// A default for libtorch's intra-op thread count (<c>torch.set_num_threads</c>) chosen from the model's size: one thread
/// per <see cref="ParametersPerThread"/> parameters, at least one, at most half the machine's cores.
/// </summary>
/// <remarks>
/// libtorch's default (one OpenMP thread per core) suits large models on an idle machine. A small model's matrix
/// products are too short to share, and OpenMP's threads spin-waiting for each other cost more than they give, worst
/// on a machine other processes use too: on a shared 2-core machine two threads made small models 5–17× slower than
/// one (10 steps of the conditional DCGAN: 42.8 s against 2.4 s). Half the cores leaves room for the data loader and
/// the rest of the machine.
/// </remarks>
public static class IntraOpThreads
{
    /// <summary>The parameters of both networks that justify one more thread.</summary>
    public const long ParametersPerThread = 1_000_000;

    /// <summary>Gets the default thread count for training <paramref name="gan"/> on this machine.</summary>
    public static int For(GanModel gan)
    {
        ArgumentNullException.ThrowIfNull(gan);
        return For(gan.Generator.CountParams() + gan.Discriminator.CountParams(), Environment.ProcessorCount);
    }

    /// <summary>Gets the default thread count for a model of <paramref name="parameters"/> on <paramref name="processorCount"/> cores.</summary>
    public static int For(long parameters, int processorCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(parameters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(processorCount);
        return (int)Math.Clamp(parameters / ParametersPerThread, 1, Math.Max(1, processorCount / 2));
    }
}
