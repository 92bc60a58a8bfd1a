namespace Gan.Keras.Examples;

/// <summary>An example's options once read from <see cref="ExampleSettings"/>, with the example's defaults filled in and the paths made absolute.</summary>
internal sealed record ExampleOptions(string DataPath, int Epochs, int? Limit, int BatchSize, long Seed, string Output, int? Threads)
{
    public static ExampleOptions From(ExampleSettings settings, ExampleDefinition example) => new(
        Path.GetFullPath(settings.DataPath ?? DefaultMnist()),
        settings.Epochs ?? example.DefaultEpochs,
        settings.Limit,
        settings.BatchSize ?? example.DefaultBatchSize,
        settings.Seed ?? 1,
        Path.GetFullPath(settings.Output ?? $"{example.Name.ToLowerInvariant()}.png"),
        settings.Threads);

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

/// <summary>What an example is: its name, its defaults and the body that trains it.</summary>
internal sealed record ExampleDefinition(string Name, int DefaultEpochs, int DefaultBatchSize, Action<ExampleOptions> Body);
