using System.Globalization;

namespace Gan.Keras.Examples;

/// <summary>Command-line options shared by the examples: <c>[mnist-dir] [--epochs N] [--limit N] [--batch-size N] [--seed N] [--threads N] [--out file.png]</c>.</summary>
internal sealed record ExampleOptions(string DataPath, int Epochs, int? Limit, int BatchSize, long Seed, string Output, int? Threads)
{
    public static ExampleOptions? Parse(string[] args, string name, int defaultEpochs, int defaultBatchSize)
    {
        string? data = null;
        int epochs = defaultEpochs, batchSize = defaultBatchSize;
        int? limit = null, threads = null;
        long seed = 1;
        string output = $"{name.ToLowerInvariant()}.png";
        for (int i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"Option {args[i]} needs a value.");
            int Positive() => int.TryParse(Value(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v > 0
                ? v : throw new ArgumentException($"Option {args[i - 1]} needs a positive integer, but got '{args[i]}'.");
            switch (args[i])
            {
                case "--epochs": epochs = Positive(); break;
                case "--limit": limit = Positive(); break;
                case "--batch-size": batchSize = Positive(); break;
                case "--seed": seed = Positive(); break;
                case "--threads": threads = Positive(); break;
                case "--out": output = Value(); break;
                case "-h" or "--help":
                    Console.WriteLine($"usage: dotnet run --project examples/{name} -- [mnist-dir] [--epochs N] [--limit N] [--batch-size N] [--seed N] [--threads N] [--out file.png]");
                    Console.WriteLine($"  mnist-dir defaults to tests/data/mnist in the repository; --epochs defaults to {defaultEpochs}; --limit keeps the first N images;");
                    Console.WriteLine("  --threads sets libtorch's intra-op threads (use 1 on a busy machine: spinning threads slow every op down).");
                    return null;
                default:
                    if (args[i].StartsWith("--", StringComparison.Ordinal) || data is not null)
                        throw new ArgumentException($"Unknown argument '{args[i]}'. Run with --help for usage.");
                    data = args[i];
                    break;
            }
        }
        return new ExampleOptions(Path.GetFullPath(data ?? DefaultMnist()), epochs, limit, batchSize, seed, Path.GetFullPath(output), threads);
    }

    /// <summary>tests/data/mnist in the repository root (the folder holding Gan.Keras.sln), found from the working directory or the program.</summary>
    private static string DefaultMnist()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Gan.Keras.sln")))
                    return Path.Combine(dir.FullName, "tests", "data", "mnist");
        }
        return Path.Combine("tests", "data", "mnist");
    }
}
