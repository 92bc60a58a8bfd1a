namespace Gan.Keras.Internal;

/// <summary>Where Gan.Keras sends warnings (Keras prints them; we write to standard error by default).</summary>
public static class Warnings
{
    /// <summary>Gets or sets the sink for warnings. Replace it to route warnings to a logger or to capture them in tests.</summary>
    public static Action<string> Handler { get; set; } = message => Console.Error.WriteLine("Warning: " + message);

    internal static void Emit(string message) => Handler(message);
}
