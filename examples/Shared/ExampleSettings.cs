using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Examples;

/// <summary>The command line every example takes: <c>[mnist-dir] [--epochs N] [--limit N] [--batch-size N] [--seed N] [--threads N] [--out file.png]</c>.</summary>
internal sealed class ExampleSettings : CommandSettings
{
    [CommandArgument(0, "[mnist-dir]")]
    [Description("The MNIST folder (t10k-images-idx3-ubyte.gz and labels). Default: tests/data/mnist in the repository.")]
    public string? DataPath { get; init; }

    [CommandOption("--epochs <N>")]
    [Description("Training epochs. Default: the example's (see above).")]
    public int? Epochs { get; init; }

    [CommandOption("--limit <N>")]
    [Description("Keep only the first N images.")]
    public int? Limit { get; init; }

    [CommandOption("--batch-size <N>")]
    [Description("Batch size. Default: 64.")]
    public int? BatchSize { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the weights, the shuffling and the noise. Default: 1.")]
    public long? Seed { get; init; }

    [CommandOption("--threads <N>")]
    [Description("libtorch's intra-op threads (use 1 on a busy machine: spinning threads slow every op down).")]
    public int? Threads { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("The PNG grid of samples to write. Default: <example>.png in the working folder.")]
    public string? Output { get; init; }

    public override ValidationResult Validate()
    {
        foreach (var (flag, value) in new (string, long?)[] { ("--epochs", Epochs), ("--limit", Limit), ("--batch-size", BatchSize), ("--seed", Seed), ("--threads", Threads) })
        {
            if (value is <= 0) return ValidationResult.Error($"Option {flag} needs a positive integer, but got '{value}'.");
        }
        return ValidationResult.Success();
    }
}
