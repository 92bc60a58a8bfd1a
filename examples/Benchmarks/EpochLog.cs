using System.Globalization;

namespace Gan.Keras.Benchmarks;

/// <summary>Prints the discriminator and generator losses at the end of each epoch.</summary>
internal sealed class EpochLog(int epochs) : Callbacks.Callback
{
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  epoch {epoch + 1}/{epochs}: d_loss {logs["d_loss"]:F3} g_loss {logs["g_loss"]:F3}"));
}
