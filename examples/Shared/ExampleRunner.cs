using System.Diagnostics;
using System.Globalization;
using Spectre.Console.Cli;

namespace Gan.Keras.Examples;

/// <summary>Runs an example as the one Spectre.Console.Cli command of its program, with the shared <see cref="ExampleSettings"/>.</summary>
internal static class ExampleRunner
{
    public static int Run(string[] args, string name, int defaultEpochs, int defaultBatchSize, Action<ExampleOptions> body)
    {
        var app = new CommandApp<ExampleCommand>();
        app.WithData(new ExampleDefinition(name, defaultEpochs, defaultBatchSize, body))
            .WithDescription($"Trains the {name} example on MNIST and writes a grid of samples (--epochs defaults to {defaultEpochs}).");
        return CommandLine.Run(app, $"dotnet run --project examples/{name} --", args);
    }

    /// <summary>The example's only command: applies the thread count, runs the body and reports the time.</summary>
    private sealed class ExampleCommand : Command<ExampleSettings>
    {
        public override int Execute(CommandContext context, ExampleSettings settings, CancellationToken cancellationToken)
        {
            var example = (ExampleDefinition)context.Data!;
            var options = ExampleOptions.From(settings, example);
            if (options.Threads is { } threads) TorchSharp.torch.set_num_threads(threads);
            var watch = Stopwatch.StartNew();
            example.Body(options);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {options.Output} ({watch.Elapsed.TotalSeconds:F0} s in all)"));
            return 0;
        }
    }
}
