using System.Diagnostics;
using System.Globalization;

namespace Gan.Keras.Examples;

/// <summary>Runs an example's body with the shared options and turns errors into one line and an exit code (2 usage, 1 runtime).</summary>
internal static class ExampleRunner
{
    public static int Run(string[] args, string name, int defaultEpochs, int defaultBatchSize, Action<ExampleOptions> body)
    {
        ExampleOptions? options;
        try
        {
            options = ExampleOptions.Parse(args, name, defaultEpochs, defaultBatchSize);
        }
        catch (ArgumentException e)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 2;
        }
        if (options is null) return 0;
        if (options.Threads is { } threads) TorchSharp.torch.set_num_threads(threads);
        var watch = Stopwatch.StartNew();
        try
        {
            body(options);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidDataException or InvalidOperationException or UnauthorizedAccessException)
        {
            Console.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {options.Output} ({watch.Elapsed.TotalSeconds:F0} s in all)"));
        return 0;
    }
}
