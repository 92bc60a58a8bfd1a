using Gan.Keras.Internal;

namespace Gan.Keras.Tests;

/// <summary>Collects what the library says through <see cref="Warnings.Handler"/> while an action runs, then puts the previous handler back.</summary>
internal static class WarningCapture
{
    public static List<string> During(Action action)
    {
        var warnings = new List<string>();
        var previous = Warnings.Handler;
        Warnings.Handler = warnings.Add;
        try
        {
            action();
        }
        finally
        {
            Warnings.Handler = previous;
        }
        return warnings;
    }
}
