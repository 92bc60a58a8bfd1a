using System.ComponentModel;
using System.Globalization;
using Gan.Keras.Cli.Training;
using Gan.Keras.Export.Onnx;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Commands;

/// <summary><c>gan export</c>: writes a saved run's generator as an ONNX model (<see cref="OnnxExporter"/>), for ONNX Runtime without Gan.Keras or libtorch.</summary>
internal sealed class ExportCommand : Command<ExportCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--checkpoint <PATH>")]
        [Description("A run folder (the --out of `gan train`), its checkpoints/ folder, or one ckpt-*.safetensors file in it.")]
        public string? Checkpoint { get; init; }

        [CommandOption("--onnx <FILE>")]
        [Description("The ONNX file to write (opset 17, dynamic batch; replaced atomically). Default: <run>/generator.onnx.")]
        public string? Onnx { get; init; }

        [CommandOption("-v|--verbose")]
        [Description("Print stack traces on errors.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Checkpoint)) return ValidationResult.Error("--checkpoint is required: the folder of a run written by `gan train`.");
            if (!Directory.Exists(Checkpoint) && !File.Exists(Checkpoint)) return ValidationResult.Error($"--checkpoint '{Checkpoint}' does not exist.");
            if (Onnx is not null && !Path.GetExtension(Onnx).Equals(".onnx", StringComparison.OrdinalIgnoreCase))
                return ValidationResult.Error($"--onnx '{Onnx}' must end in .onnx.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        using var run = SavedRun.Load(settings.Checkpoint!);
        string output = settings.Onnx ?? run.Combine("generator.onnx");
        var info = run.Gan.ExportGenerator(output);
        string labels = info.NumClasses is { } classes ? string.Create(CultureInfo.InvariantCulture, $" and {OnnxExporter.LabelsInput} [batch] int64 (0..{classes - 1})") : string.Empty;
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Exported the generator of {run.File} ({run.EpochNote}{(info.UsesEmaWeights ? "EMA" : "trained")} weights) to {output}: " +
            $"ONNX opset {info.Opset}, {info.Bytes / 1e6:0.0#} MB; {OnnxExporter.LatentInput} [batch, {info.LatentDim}] float32{labels} -> {OnnxExporter.SamplesOutput} [batch, {string.Join(", ", info.SampleShape)}] float32"));
        return 0;
    }
}
