using Spectre.Console.Cli;

namespace Gan.Keras.Examples.KerasPorts;

/// <summary>Runs the port registered with the subcommand (its <see cref="CommandContext.Data"/>).</summary>
internal sealed class PortCommand : Command<PortSettings>
{
    /// <inheritdoc />
    public override int Execute(CommandContext context, PortSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(settings);
        var port = (KerasPort)context.Data!;
        RandomSeed.Set(settings.Seed);
        port.Run(settings);
        return 0;
    }
}
