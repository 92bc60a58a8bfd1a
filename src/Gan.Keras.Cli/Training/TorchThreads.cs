using TorchSharp;

namespace Gan.Keras.Cli.Training;

/// <summary>Sets libtorch's intra-op thread count for a run and restores it afterwards.</summary>
/// <remarks>
/// Small models gain nothing from parallel matrix products, and on a busy machine libtorch's OpenMP threads
/// spin-waiting for each other made the small 2-D preset up to 100× slower (measured: 130 ms vs 16-33 s per epoch of
/// the default run on 2 cores while other processes ran). The default count comes from the model's size
/// (<see cref="Gan.Keras.Training.IntraOpThreads"/>).
/// </remarks>
internal sealed class TorchThreads : IDisposable
{
    private readonly int previous;

    private TorchThreads(int threads)
    {
        previous = torch.get_num_threads();
        torch.set_num_threads(threads);
    }

    /// <summary>Limits libtorch to <paramref name="threads"/> threads until disposed; null changes nothing.</summary>
    public static IDisposable? Limit(int? threads) => threads is int n ? new TorchThreads(n) : null;

    public void Dispose() => torch.set_num_threads(previous);
}
