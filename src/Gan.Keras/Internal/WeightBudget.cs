using System.Globalization;
using Gan.Keras.Layers;

namespace Gan.Keras.Internal;

/// <summary>
/// A limit on the weights layers may create while a saved model is rebuilt: no more values than the file saves. A
/// configuration edited (or corrupted) into <c>units: 2147483647</c> is then refused before libtorch allocates it,
/// instead of exhausting memory. <see cref="Layer"/> asks it before creating each weight.
/// </summary>
internal sealed class WeightBudget : IDisposable
{
    private static readonly AsyncLocal<WeightBudget?> Current = new();

    private readonly WeightBudget? previous;
    private readonly long total;
    private long remaining;

    private WeightBudget(long total)
    {
        previous = Current.Value;
        this.total = remaining = total;
        Current.Value = this;
    }

    /// <summary>Limits the weights created on this flow of execution to <paramref name="values"/> values until disposed.</summary>
    public static WeightBudget Limit(long values) => new(values);

    /// <summary>Counts a weight of <paramref name="shape"/> against the budget, if one is set.</summary>
    /// <exception cref="InvalidDataException">The weight is larger than what is left.</exception>
    public static void Take(Layer layer, string name, long[] shape)
    {
        if (Current.Value is not { } budget || shape.Any(d => d < 0)) return;
        long values = shape.Aggregate(1L, (a, d) => d != 0 && a > long.MaxValue / d ? long.MaxValue : a * d);
        if (values > budget.remaining)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"layer '{layer.DisplayName}' ({layer.GetType().Name}) would create weight '{name}' {Shapes.Format(shape)}, more values than the {budget.total} the file saves: its configuration does not fit its weights"));
        budget.remaining -= values;
    }

    /// <summary>Lifts the limit (restores the enclosing one).</summary>
    public void Dispose() => Current.Value = previous;
}
