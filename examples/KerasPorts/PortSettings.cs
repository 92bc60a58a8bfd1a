using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Examples.KerasPorts;

/// <summary>The options every port takes.</summary>
internal sealed class PortSettings : CommandSettings
{
    /// <summary>Gets or sets the number of training steps (generator updates).</summary>
    [CommandOption("--steps <N>")]
    [Description("Training steps (generator updates) to run.")]
    [DefaultValue(100)]
    public int Steps { get; set; } = 100;

    /// <summary>Gets or sets the folder the run is written to, or null for none.</summary>
    [CommandOption("--out <DIR>")]
    [Description("Folder to write the run to (samples, model); the gan CLI opens it.")]
    public string? Out { get; set; }

    /// <summary>Gets or sets the random seed.</summary>
    [CommandOption("--seed <S>")]
    [Description("Random seed.")]
    [DefaultValue(0)]
    public int Seed { get; set; }

    /// <inheritdoc />
    public override ValidationResult Validate() =>
        Steps < 1 ? ValidationResult.Error($"--steps must be at least 1, but got {Steps}.") : ValidationResult.Success();
}
