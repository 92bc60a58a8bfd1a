using Gan.Keras.Losses;

namespace Gan.Keras.Benchmarks;

/// <summary>
/// The GAN losses the benchmark can run, by name: every loss of the toolkit (<see cref="GanLosses"/>), so a loss added
/// there is benchmarked by passing its name to <c>--losses</c>.
/// </summary>
internal static class LossRegistry
{
    public static IReadOnlyCollection<string> Names => GanLosses.Names;

    public static GanLoss Create(string name) => GanLosses.FromName(name);
}
