using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Benchmarks;

/// <summary>The option every benchmark takes: <c>--threads N</c>, libtorch's intra-op threads (1 by default).</summary>
internal class BenchmarkSettings : CommandSettings
{
    [CommandOption("--threads <N>")]
    [Description("libtorch's intra-op threads.")]
    [DefaultValue(1)]
    public int Threads { get; init; } = 1;

    public override ValidationResult Validate() =>
        Threads > 0 ? ValidationResult.Success() : ValidationResult.Error($"Option --threads needs a positive integer, but got '{Threads}'.");
}
