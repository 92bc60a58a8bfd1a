using System.ComponentModel;
using System.Globalization;
using Gan.Keras.Cli.Training;
using Gan.Keras.Export.Images;
using Gan.Keras.Export;
using Gan.Keras.Training;
using Gan.Keras.Training.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Commands;

/// <summary><c>gan sample</c>: loads a saved run's latest (or a given) checkpoint and writes generated samples as a PNG or CSV.</summary>
internal sealed class SampleCommand : Command<SampleCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--checkpoint <PATH>")]
        [Description("A run folder (the --out of `gan train`), its checkpoints/ folder, or one ckpt-*.safetensors file in it.")]
        public string? Checkpoint { get; init; }

        [CommandOption("-n|--count <N>")]
        [Description("How many samples (also written --n N). Default: 64; for a conditional model, samples per label (default 8).")]
        public int? Count { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Output file: .png (image grid, or scatter over the true modes for 2-D data) or .csv (values). Default: <run>/sample.png.")]
        public string? Out { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the latent noise; the same seed gives the same samples. Default: the run's seed.")]
        public long? Seed { get; init; }

        [CommandOption("--labels <LIST>")]
        [Description("Class labels, comma-separated (0,1,2,...): one grid row per label. Conditional models only; default: every class.")]
        public string? Labels { get; init; }

        [CommandOption("--device <DEVICE>")]
        [Description("auto, cpu or cuda. Default: cpu.")]
        public string? Device { get; init; }

        [CommandOption("-v|--verbose")]
        [Description("Print stack traces on errors.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if (string.IsNullOrEmpty(Checkpoint)) return ValidationResult.Error("--checkpoint is required: the folder of a run written by `gan train`.");
            if (!Directory.Exists(Checkpoint) && !File.Exists(Checkpoint)) return ValidationResult.Error($"--checkpoint '{Checkpoint}' does not exist.");
            if (Count is <= 0 or > 100_000) return ValidationResult.Error($"--n/--count must be from 1 to 100000 (got {Count}).");
            if (Seed is < 0) return ValidationResult.Error($"--seed must be zero or positive (got {Seed}).");
            if (Out is not null && Path.GetExtension(Out).ToLowerInvariant() is not (".png" or ".csv"))
                return ValidationResult.Error($"--out '{Out}' must end in .png or .csv.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        int[]? labels = ParseLabels(settings.Labels);
        using var run = SavedRun.Load(settings.Checkpoint!);
        var gan = run.Gan;
        var device = ((run.Configuration ?? new RunConfiguration()) with { Device = settings.Device ?? "cpu" }).ResolveDevice();
        using var threads = TorchThreads.Limit(IntraOpThreads.For(gan));
        if (labels is not null && gan.NumClasses == 0)
            throw new UsageException($"--labels: this run's model '{run.ModelName}' is not conditional, so it cannot generate given labels. Only conditional models (--model conditional) take --labels.");
        gan.To(device);

        string output = settings.Out ?? run.Combine("sample.png");
        long seed = settings.Seed ?? run.Seed;
        int? columns = null;
        if (gan.NumClasses > 0)
        {
            // One row per label: --n samples of each (8 by default); without --labels, every class.
            labels ??= Enumerable.Range(0, gan.NumClasses).ToArray();
            var wrong = labels.Where(l => l >= gan.NumClasses).ToArray();
            if (wrong.Length > 0)
                throw new UsageException($"--labels: {string.Join(", ", wrong)} outside the model's classes 0..{gan.NumClasses - 1}.");
            columns = settings.Count ?? 8;
        }
        using var samples = gan.Generate(columns ?? settings.Count ?? 64, seed, labels);
        int count = (int)samples.shape[0];
        if (Path.GetExtension(output).Equals(".csv", StringComparison.OrdinalIgnoreCase))
        {
            SampleCsv.Write(output, samples);
        }
        else
        {
            string title = string.Create(CultureInfo.InvariantCulture, $"{count} samples, {Path.GetFileName(run.File)}{(run.Saved.Epoch is { } epoch ? $" (epoch {epoch})" : string.Empty)}");
            byte[] png = SamplePicture.IsPoints(run.SampleShape)
                ? ScatterPlot.EncodePng(samples, run.Configuration?.TrueModes(), title)
                : ImageGrid.EncodePng(samples, columns, range: gan.OutputRange);
            AtomicFile.WriteAllBytes(output, png);
        }
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Wrote {count} samples from {run.File}{(run.EpochNote.Length > 0 ? $" ({run.EpochNote.TrimEnd(';', ' ')})" : string.Empty)} to {output}"));
        return 0;
    }

    private static int[]? ParseLabels(string? text)
    {
        if (text is null) return null;
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0) throw new UsageException("--labels is empty; give comma-separated class numbers such as 0,1,2.");
        var labels = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out labels[i]))
                throw new UsageException($"--labels: '{parts[i]}' is not a class number (expected comma-separated integers such as 0,1,2).");
        return labels;
    }
}
