using System.ComponentModel;
using Spectre.Console.Cli;
using TorchSharp;

namespace Gan.Keras.Tests.Cli;

/// <summary>A command the tests add to <c>gan</c> (<see cref="CliRunner.RunWithFailingCommand"/>) that fails in a chosen way, to check the one exit-code mapping.</summary>
internal sealed class FailingCommand : Command<FailingCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<kind>")]
        [Description("native, native-oom, overflow, out-of-memory, stack, argument, data, unexpected.")]
        public string Kind { get; init; } = string.Empty;

        [CommandOption("-v|--verbose")]
        public bool Verbose { get; init; }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        switch (settings.Kind)
        {
            case "native":
                // A shape mismatch that only libtorch sees: its ExternalException carries the C++ backtrace. (mm, not
                // matmul: TorchSharp 0.107's THSTensor_matmul has no catch, so libtorch's error there aborts the process.)
                using (var a = torch.ones(4, 3))
                using (var b = torch.ones(2, 5))
                using (var product = a.mm(b))
                    return 0;
            case "native-oom":
                // libtorch's CPU allocator refusing an impossible request.
                using (var huge = torch.empty(1L << 50, dtype: torch.float32))
                    return 0;
            case "overflow":
                int big = int.MaxValue - settings.Kind.Length + 20;
                return checked(big * 2);
            case "out-of-memory":
                // More elements than an array may hold: the runtime's own OutOfMemoryException.
                return new long[settings.Kind.Length + int.MaxValue - 13].Length;
            case "stack":
                throw new InsufficientExecutionStackException();
            case "argument":
                throw new ArgumentException("Value 'x' is not valid for samples.");
            case "data":
                throw new InvalidDataException("IDX file 'images.idx' has a bad magic number at byte 0.");
            default:
                string? nothing = settings.Kind == "unexpected" ? null : settings.Kind;
                return nothing!.Length;
        }
    }
}
