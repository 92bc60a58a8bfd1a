using System.ComponentModel;
using System.Text.Json.Nodes;
using Gan.Keras.Cli.Training;
using Gan.Keras.Training.Runs;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Commands;

/// <summary><c>gan train</c>: trains a GAN and writes samples, pictures, logs, weights and checkpoints to an output folder.</summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <NAME>")]
        [Description("Training data: ring8, grid25, shapes (built in, no download), mnist, fashion-mnist, kmnist, cifar10 (optionally name:<folder>), or a folder with one subfolder of images per class. Default: ring8.")]
        public string? Data { get; init; }

        [CommandOption("--image-size <N>")]
        [Description("Resize images to N x N: folders with SkiaSharp's high-quality filter (bicubic, mipmapped when shrinking), mnist/cifar10 bilinearly with antialiasing; shapes are drawn at N. Needed for folders of mixed sizes. Default: the data's size.")]
        public int? ImageSize { get; init; }

        [CommandOption("--channels <N>")]
        [Description("Image channels: 1 (gray; colour becomes BT.601 luma) or 3 (colour; gray is repeated). Default: the data's own (colour for folders and cifar10).")]
        public int? Channels { get; init; }

        [CommandOption("--model <NAME>")]
        [Description("Model preset: mlp (the article's MNIST MLP), mlp-small (2-D data), dcgan or conditional (square images of side 8, 14, 16, 28, 32, 56, 64, 112 or 128, any channels; conditional needs labels). Default: mlp-small for 2-D data, mlp for images.")]
        public string? Model { get; init; }

        [CommandOption("--loss <NAME>")]
        [Description("GAN loss: minimax, non-saturating (alias bce), non-saturating-r1, lsgan, wgan (5 critic steps, RMSprop 5e-5), wgan-gp (5 critic steps, Adam 1e-4, 0/0.9) or hinge. Default: bce.")]
        public string? Loss { get; init; }

        [CommandOption("--epochs <N>")]
        [Description("Number of epochs. With --resume: how many MORE epochs to train (default: the rest of the planned run). Default: 60.")]
        public int? Epochs { get; init; }

        [CommandOption("--batch-size <N>")]
        [Description("Examples per training step (per rank under mpirun: the global batch is N times larger). Default: 64.")]
        public int? BatchSize { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed for weights, noise and shuffling; on CPU the same seed gives the same run, bit for bit. Default: 42.")]
        public long? Seed { get; init; }

        [CommandOption("--device <DEVICE>")]
        [Description("auto, cpu or cuda. auto uses CUDA when torch.cuda.is_available(). Default: auto.")]
        public string? Device { get; init; }

        [CommandOption("--dtype <TYPE>")]
        [Description("float32, float64, mixed_bfloat16 or mixed_float16: the floating-point type to train in (mixed: float32 weights, layers compute in bfloat16 or float16, float16 with loss scaling). Default: float32.")]
        public string? Dtype { get; init; }

        [CommandOption("--out <DIR>")]
        [Description("Output folder. Default: runs/<data>-<time>.")]
        public string? Out { get; init; }

        [CommandOption("--keep <N>")]
        [Description("How many checkpoints to keep (one is written after every epoch). Default: 3.")]
        public int? Keep { get; init; }

        [CommandOption("--config <FILE>")]
        [Description("JSON file with the same keys as these flags (data, model, loss, epochs, batch-size, seed, device, dtype, out, keep, image-size, channels), such as a run's own run.json; flags override it.")]
        public string? Config { get; init; }

        [CommandOption("--resume <DIR>")]
        [Description("Continue the run in DIR (written by an earlier `gan train`) from its latest checkpoint, exactly where it stopped.")]
        public string? Resume { get; init; }

        [CommandOption("--threads <N>")]
        [Description("libtorch threads (default: one per million parameters of the model, at least 1, at most half the cores; the first line says how many). Use 1 on a busy machine; keep it the same to resume bit for bit.")]
        public int? Threads { get; init; }

        [CommandOption("--download")]
        [Description("Download a missing mnist, fashion-mnist, kmnist or cifar10 into the cache folder ($GAN_KERAS_DATA or ~/.cache/gan-keras/datasets), checksum-verified.")]
        public bool Download { get; init; }

        [CommandOption("--stream")]
        [Description("Read an image folder, cifar10 or a raw (not gzipped) IDX split from disk batch by batch (decoded on background threads, a few batches in memory) instead of loading it all; the same seed gives the same batches. Use it for folders larger than memory.")]
        public bool Stream { get; init; }

        [CommandOption("--no-health")]
        [Description("Turn off the training-health warnings (discriminator winning, mode collapse, vanishing generator gradients). A NaN or infinite loss or weight still stops the run.")]
        public bool NoHealth { get; init; }

        [CommandOption("-q|--quiet")]
        [Description("Print only the final summary.")]
        public bool Quiet { get; init; }

        [CommandOption("-v|--verbose")]
        [Description("Also print the configuration and model summaries, and stack traces on errors.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            // The run settings' own checks (ranges, names) are RunConfiguration.Validate's; these are the CLI's.
            if (Epochs is <= 0) return ValidationResult.Error($"--epochs must be positive (got {Epochs}).");
            if (Threads is <= 0) return ValidationResult.Error($"--threads must be positive (got {Threads}).");
            if (Quiet && Verbose) return ValidationResult.Error("--quiet and --verbose cannot be used together.");
            if (Config is not null && !File.Exists(Config)) return ValidationResult.Error($"Config file '{Config}' does not exist.");
            if (Resume is not null && !Directory.Exists(Resume)) return ValidationResult.Error($"--resume folder '{Resume}' does not exist.");
            if (Resume is not null && Config is not null) return ValidationResult.Error("--resume continues a run with its saved settings (run.json); --config cannot be combined with it.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var verbosity = settings.Quiet ? Verbosity.Quiet : settings.Verbose ? Verbosity.Verbose : Verbosity.Normal;
        // Under mpirun every rank runs this command; the session joins them and stops them all if one fails.
        using var session = new DistributedSession();
        var run = new TrainingRun(AnsiConsole.Console, verbosity, settings.Download, settings.Threads, settings.Stream, session, health: !settings.NoHealth);
        var flags = RunSettingFlags.Bind(settings);
        return session.Execute(
            () => settings.Resume is not null
                ? run.Resume(settings.Resume, settings.Epochs, flags)
                // Defaults, then the config file, then the flags.
                : run.Start(settings.Config is null ? RunConfiguration.FromJson(new JsonObject(), overrides: flags) : RunConfiguration.Load(settings.Config, flags)),
            verbosity == Verbosity.Verbose);
    }
}
