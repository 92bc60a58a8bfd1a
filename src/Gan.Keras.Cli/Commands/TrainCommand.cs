using System.ComponentModel;
using System.Globalization;
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Saving;
using Spectre.Console;
using Spectre.Console.Cli;
using TorchSharp;

namespace Gan.Keras.Cli.Commands;

/// <summary><c>gan train</c>: trains a GAN and writes samples and weights to an output folder.</summary>
internal sealed class TrainCommand : Command<TrainCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandOption("--data <NAME>")]
        [Description("Training data: ring8 (built in) or mnist:<folder> (IDX files).")]
        [DefaultValue("ring8")]
        public string Data { get; init; } = "ring8";

        [CommandOption("--epochs <N>")]
        [Description("Number of epochs.")]
        [DefaultValue(20)]
        public int Epochs { get; init; } = 20;

        [CommandOption("--batch-size <N>")]
        [Description("Examples per training step.")]
        [DefaultValue(256)]
        public int BatchSize { get; init; } = 256;

        [CommandOption("--seed <N>")]
        [Description("Seed for weights, noise and shuffling; the same seed gives the same run on CPU.")]
        [DefaultValue(42L)]
        public long Seed { get; init; } = 42;

        [CommandOption("--out <DIR>")]
        [Description("Output folder (default: runs/<data>-<time>).")]
        public string? Out { get; init; }

        [CommandOption("--quiet")]
        [Description("Print only the final summary.")]
        public bool Quiet { get; init; }

        [CommandOption("--verbose")]
        [Description("Print stack traces on errors.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if (Epochs <= 0) return ValidationResult.Error($"--epochs must be positive (got {Epochs}).");
            if (BatchSize <= 0) return ValidationResult.Error($"--batch-size must be positive (got {BatchSize}).");
            if (Data != "ring8" && !Data.StartsWith("mnist:", StringComparison.Ordinal))
                return ValidationResult.Error($"--data '{Data}' is not known. Use ring8 or mnist:<folder>.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string outDir = settings.Out ?? Path.Combine("runs", $"{settings.Data.Split(':')[0]}-{DateTime.Now:yyyyMMdd-HHmmss}");
        Directory.CreateDirectory(outDir);
        RandomSeed.Set(settings.Seed);
        bool ring = settings.Data == "ring8";
        using var dataset = ring ? GaussianMixtures.Ring8(10_000, settings.Seed) : Mnist.Load(settings.Data["mnist:".Length..]);
        using var gan = ring ? SmallMlpGan(settings.Seed) : ArticleMlpGan(settings.Seed);
        if (!settings.Quiet)
            Console.WriteLine($"Training on {dataset.Name} ({dataset.Count} examples of shape [{string.Join(", ", dataset.ElementShape)}]) for {settings.Epochs} epochs, batch {settings.BatchSize}, seed {settings.Seed}.");
        var printer = new LambdaEpochPrinter(settings.Epochs, settings.Quiet);
        var history = gan.Fit(dataset, settings.Epochs, settings.BatchSize, new Callback[] { printer });

        string weights = Path.Combine(outDir, "weights.safetensors");
        gan.SaveWeights(weights, new Dictionary<string, string> { ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture), ["data"] = dataset.Name });
        string samples = Path.Combine(outDir, ring ? "samples.csv" : "samples.csv");
        using (var generated = gan.Generate(ring ? 2_500 : 64, seed: settings.Seed))
            WriteCsv(samples, generated);
        Console.WriteLine($"Final d_loss {history["d_loss"][^1]:F4}, g_loss {history["g_loss"][^1]:F4}. Wrote {samples} and {weights}.");
        return 0;
    }

    private static GanModel SmallMlpGan(long seed)
    {
        var generator = new Sequential(new Layer[]
        {
            new Dense(128, "relu"), new Dense(128, "relu"), new Dense(2),
        }, inputShape: new long[] { 16 }, name: "generator");
        var discriminator = new Sequential(new Layer[]
        {
            new Dense(128), new LeakyReLU(0.2), new Dense(128), new LeakyReLU(0.2), new Dense(1),
        }, inputShape: new long[] { 2 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim: 16, seed: seed);
        gan.Compile(new Adam(1e-3, 0.5, 0.999), new Adam(1e-3, 0.5, 0.999), new BinaryCrossentropy(fromLogits: true));
        return gan;
    }

    private static GanModel ArticleMlpGan(long seed)
    {
        var generator = new Sequential(new Layer[]
        {
            new Dense(128, "relu"), new Dense(256, "relu"), new Dense(512, "relu"), new Dense(1024, "relu"), new Dense(784, "tanh"),
        }, inputShape: new long[] { 100 }, name: "generator");
        var discriminator = new Sequential(new Layer[]
        {
            new Dense(512, "relu"), new Dense(256, "relu"), new Dense(1),
        }, inputShape: new long[] { 784 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim: 100, seed: seed);
        gan.Compile(new Adam(2e-4, 0.5, 0.999), new Adam(2e-4, 0.5, 0.999), new BinaryCrossentropy(fromLogits: true));
        return gan;
    }

    private static void WriteCsv(string path, torch.Tensor samples)
    {
        var rows = samples.reshape(samples.shape[0], -1);
        long columns = rows.shape[1];
        var values = rows.data<float>().ToArray();
        var text = new System.Text.StringBuilder();
        text.AppendLine(columns == 2 ? "x,y" : string.Join(",", Enumerable.Range(0, (int)columns).Select(i => $"v{i}")));
        for (long r = 0; r < rows.shape[0]; r++)
            text.AppendLine(string.Join(",", Enumerable.Range(0, (int)columns).Select(c => values[r * columns + c].ToString("R", CultureInfo.InvariantCulture))));
        AtomicFile.WriteAllText(path, text.ToString());
    }

    private sealed class LambdaEpochPrinter(int epochs, bool quiet) : Callback
    {
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
        {
            if (quiet) return;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{epochs}  d_loss {logs["d_loss"]:F4}  g_loss {logs["g_loss"]:F4}  D(x) {logs["d_real"]:F3}  D(G(z)) {logs["d_fake"]:F3}"));
        }
    }
}
