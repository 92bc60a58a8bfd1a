using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Callbacks;

namespace Gan.Keras.Examples;

/// <summary>Prints one line per epoch: the mean of each logged value and the time taken.</summary>
internal sealed class EpochPrinter : Callback
{
    private readonly Stopwatch watch = new();

    public override void OnEpochBegin(int epoch) => watch.Restart();

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        string values = string.Join("  ", logs.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value,8:F4}")));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1,3}  {values}  ({watch.Elapsed.TotalSeconds:F1} s)"));
    }
}
