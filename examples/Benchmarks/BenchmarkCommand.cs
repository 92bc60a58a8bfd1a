using System.Globalization;
using Spectre.Console.Cli;
using TorchSharp;

namespace Gan.Keras.Benchmarks;

/// <summary>A benchmark as a Spectre.Console.Cli command: sets libtorch's threads, says how many it has, then runs.</summary>
internal abstract class BenchmarkCommand<TSettings> : Command<TSettings>
    where TSettings : BenchmarkSettings
{
    public sealed override int Execute(CommandContext context, TSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        torch.set_num_threads(settings.Threads);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"libtorch threads: {torch.get_num_threads()}, processors: {Environment.ProcessorCount}"));
        Run(settings);
        return 0;
    }

    protected abstract void Run(TSettings settings);
}
