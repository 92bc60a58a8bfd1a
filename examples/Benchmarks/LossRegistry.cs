using Gan.Keras.Losses;

namespace Gan.Keras.Benchmarks;

/// <summary>
/// The GAN losses the benchmark can run, by name. Add a line here when the toolkit gains a loss; the benchmark takes
/// the names on its command line (<c>--losses</c>) and runs every one it is given.
/// </summary>
internal static class LossRegistry
{
    private static readonly Dictionary<string, Func<GanLoss>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["non-saturating"] = () => new NonSaturatingLoss(new BinaryCrossentropy(fromLogits: true)),
    };

    public static IReadOnlyCollection<string> Names => Factories.Keys;

    public static GanLoss Create(string name) =>
        Factories.TryGetValue(name, out var factory)
            ? factory()
            : throw new ArgumentException($"Unknown loss '{name}'. Known: {string.Join(", ", Factories.Keys)}.", nameof(name));
}
