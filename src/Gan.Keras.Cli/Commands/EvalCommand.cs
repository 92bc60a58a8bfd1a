using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Gan.Keras.Cli.Training;
using Gan.Keras.Data;
using Gan.Keras.Metrics;
using Gan.Keras.Models;
using Gan.Keras.Saving;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Commands;

/// <summary>
/// <c>gan eval</c>: loads a generator saved by <c>gan train</c> and measures it — mode coverage on Ring8 / Grid25, or
/// FID, KID, classifier score, precision/recall and class coverage on MNIST-like data (features of a small CNN trained
/// once on the real data and cached). Prints a readable summary and one JSON line.
/// </summary>
internal sealed class EvalCommand : Command<EvalCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<weights>")]
        [Description("weights.safetensors written by gan train (or the run folder that holds it).")]
        public string Weights { get; init; } = string.Empty;

        [CommandOption("--data <NAME>")]
        [Description("The real data: ring8, grid25, mnist, fashion-mnist, kmnist (optionally name:folder). Default: the 'data' recorded in the weights.")]
        public string? Data { get; init; }

        [CommandOption("--samples <N>")]
        [Description("Sample budget: generated samples to evaluate (default 2500 for 2-D mixtures, 5000 for images).")]
        public int? Samples { get; init; }

        [CommandOption("--seed <N>")]
        [Description("Seed of the latent vectors (and of the classifier's training split).")]
        [DefaultValue(0L)]
        public long Seed { get; init; }

        [CommandOption("--data-root <DIR>")]
        [Description("Cache folder of downloaded datasets (default: $GAN_KERAS_DATA or ~/.cache/gan-keras/datasets).")]
        public string? DataRoot { get; init; }

        [CommandOption("--classifier-cache <DIR>")]
        [Description("Where the feature classifier's weights are cached (default: ~/.cache/gan-keras/classifiers).")]
        public string? ClassifierCache { get; init; }

        [CommandOption("--classifier-epochs <N>")]
        [Description("Epochs to train the feature classifier when it is not cached.")]
        [DefaultValue(3)]
        public int ClassifierEpochs { get; init; } = 3;

        [CommandOption("--json")]
        [Description("Print only the JSON line.")]
        public bool Json { get; init; }

        [CommandOption("--verbose")]
        [Description("Print stack traces on errors.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if (Samples is <= 0) return ValidationResult.Error($"--samples must be positive (got {Samples}).");
            if (ClassifierEpochs <= 0) return ValidationResult.Error($"--classifier-epochs must be positive (got {ClassifierEpochs}).");
            string path = Directory.Exists(Weights) ? Path.Combine(Weights, "weights.safetensors") : Weights;
            if (!File.Exists(path)) return ValidationResult.Error($"Weights file '{path}' does not exist. Pass the weights.safetensors written by gan train, or its run folder.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string weights = Directory.Exists(settings.Weights) ? Path.Combine(settings.Weights, "weights.safetensors") : settings.Weights;
        var (tensors, metadata) = SafeTensorsFile.Load(weights);
        foreach (var tensor in tensors.Values) tensor.Dispose();
        string data = settings.Data ?? GuessData(metadata.GetValueOrDefault("data"), weights);
        string kind = data.Split(':')[0].ToLowerInvariant();
        var progress = new ProgressPrinter(settings.Json);
        var result = kind is "ring8" or "grid25"
            ? EvaluateMixture(weights, kind, settings)
            : EvaluateImages(weights, data, settings, progress);
        if (!settings.Json) Console.WriteLine(result.Readable);
        Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["weights"] = Path.GetFullPath(weights),
            ["data"] = data,
            ["seed"] = settings.Seed,
            ["metrics"] = result.Metrics,
        }, JsonOptions));
        return 0;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static (string Readable, object Metrics) EvaluateMixture(string weights, string kind, Settings settings)
    {
        using var gan = BuildGan(weights, images: false);
        gan.LoadWeights(weights);
        int samples = settings.Samples ?? MixtureMetrics.StandardSampleCount;
        using var generated = gan.Generate(samples, settings.Seed);
        var report = kind == "ring8"
            ? MixtureMetrics.Compute(generated, GaussianMixtures.Ring8Means(), GaussianMixtures.Ring8Sigma)
            : MixtureMetrics.Compute(generated, GaussianMixtures.Grid25Means(), GaussianMixtures.Grid25Sigma);
        return ($"{kind}: {report}", report);
    }

    private static (string Readable, object Metrics) EvaluateImages(string weights, string data, Settings settings, ProgressPrinter progress)
    {
        var options = new DatasetOptions { DataRoot = settings.DataRoot, Flatten = false };
        using var real = DatasetCatalog.Load(data, options);
        if (real.ElementShape.Count != 3 || real.ElementShape[0] != 1 || real.ElementShape[1] != 28 || real.ElementShape[2] != 28)
            throw new ArgumentException($"gan eval measures images with a 28×28 digit classifier, but '{data}' holds examples of shape [{string.Join(", ", real.ElementShape)}]. Use mnist, fashion-mnist or kmnist.");
        string cache = settings.ClassifierCache ?? Path.Combine(Path.GetDirectoryName(DatasetCatalog.DefaultDataRoot)!, "classifiers");
        var trainingOptions = new ClassifierTrainingOptions(
            TrainCount: (int)Math.Min(8_000, real.Count * 4 / 5),
            TestCount: (int)Math.Min(2_000, real.Count / 5),
            Epochs: settings.ClassifierEpochs,
            Seed: settings.Seed);
        using var classifier = MnistClassifierTrainer.TrainOrLoad(real, cache, trainingOptions, progress);
        if (!settings.Json)
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Feature classifier: test accuracy {classifier.TestAccuracy:P2} on {classifier.TestCount} held-out images ({(classifier.LoadedFromCache ? "cached" : "trained now")}: {classifier.WeightsPath})."));
        using var gan = BuildGan(weights, images: true);
        gan.LoadWeights(weights);
        var evaluation = new ImageEvaluationOptions(SampleBudget: settings.Samples ?? 5_000, Seed: settings.Seed);
        var report = ImageEvaluator.Evaluate(gan, real.Features, classifier.Model, evaluation, progress);
        var metrics = new Dictionary<string, object>
        {
            ["classifier_test_accuracy"] = classifier.TestAccuracy,
            ["report"] = JsonDocument.Parse(report.ToJson()).RootElement,
        };
        return ($"{data}: {report}", metrics);
    }

    private static string GuessData(string? recorded, string weights)
    {
        if (recorded is null)
            throw new InvalidOperationException($"'{weights}' does not record which data it was trained on. Pass --data ring8|grid25|mnist[:folder].");
        if (recorded.StartsWith("ring8", StringComparison.Ordinal)) return "ring8";
        if (recorded.StartsWith("grid25", StringComparison.Ordinal)) return "grid25";
        throw new InvalidOperationException($"'{weights}' was trained on '{recorded}'; say where the real images are with --data mnist:<folder> (or fashion-mnist, kmnist).");
    }

    /// <summary>
    /// Builds the GAN a run was trained with: from the run.json beside the weights (model, loss, sample shape) through the
    /// same factory as gan train, so every preset can be evaluated; without a run.json, the default MLP for the data.
    /// LoadWeights then checks every name and shape, so a mismatch is reported, never silently accepted.
    /// </summary>
    private static GanModel BuildGan(string weights, bool images)
    {
        string runFile = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weights))!, RunOptions.RunFileName);
        if (File.Exists(runFile))
        {
            var run = RunOptions.Load(runFile, new RunOptions(), isRunFile: true);
            if (run.Model is not null && run.SampleShape is not null)
                return RunFactory.CreateGan(run.Model, run.Loss, run.SampleShape, run.Seed);
        }
        return images
            ? RunFactory.CreateGan("mlp", "bce", new long[] { 784 }, seed: 0)
            : RunFactory.CreateGan("mlp-small", "bce", new long[] { 2 }, seed: 0);
    }

    /// <summary>Prints a line when a stage starts and at every 10 % of it, on standard error, so the run never looks hung.</summary>
    private sealed class ProgressPrinter(bool quiet) : IProgress<EvaluationProgress>
    {
        private string? stage;
        private int lastDecile = -1;

        public void Report(EvaluationProgress value)
        {
            if (quiet) return;
            int decile = (int)(value.Fraction * 10);
            if (value.Stage == stage && decile == lastDecile) return;
            stage = value.Stage;
            lastDecile = decile;
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {value.Stage}: {value.Done}/{value.Total} ({value.Fraction:P0})"));
        }
    }
}
