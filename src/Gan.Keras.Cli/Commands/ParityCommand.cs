using System.ComponentModel;
using Gan.Keras.Parity;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Commands;

/// <summary><c>gan parity</c>: replays a golden trace recorded by PyTorch or TensorFlow and checks the differences: exit code 0 within the tolerances, 3 outside them (<see cref="GanCli.ParityOutsideTolerance"/>), 1 when the replay fails.</summary>
internal sealed class ParityCommand : Command<ParityCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<golden>")]
        [Description("A golden trace (.safetensors) recorded by a real framework; see docs/parity.md.")]
        public string Golden { get; init; } = string.Empty;

        [CommandOption("--final <FILE>")]
        [Description("Final weights recorded after the last step (default: <golden>_final.safetensors beside it, when present).")]
        public string? Final { get; init; }

        [CommandOption("--reference")]
        [Description("Replay a torch trace with the raw TorchSharp port of the reference (nn.Linear, torch.optim) instead of Gan.Keras, for diagnosis.")]
        public bool Reference { get; init; }

        public override ValidationResult Validate()
        {
            if (!File.Exists(Golden)) return ValidationResult.Error($"Golden trace '{Golden}' does not exist.");
            if (Final is not null && !File.Exists(Final)) return ValidationResult.Error($"Final-weights file '{Final}' does not exist.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        using var trace = GoldenTrace.Load(settings.Golden, settings.Final);
        var report = ParityRunner.Run(trace, settings.Reference);
        Console.Out.WriteLine(report.ToJson());
        return report.Pass ? GanCli.Success : GanCli.ParityOutsideTolerance;
    }
}
