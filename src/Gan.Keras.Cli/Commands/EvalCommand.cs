using System.ComponentModel;
using System.Globalization;
using System.Text.Json;
using Gan.Keras.Cli.Training;
using Gan.Keras.Data;
using Gan.Keras.Evaluation;
using Gan.Keras.Models;
using Gan.Keras.Training.Runs;
using Gan.Keras.Export;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Gan.Keras.Cli.Commands;

/// <summary>
/// <c>gan eval</c>: loads a generator saved by <c>gan train</c> and measures it — mode coverage on Ring8 / Grid25; on
/// any image data FID, KID and precision/recall on the features of an ImageNet ResNet-18 (<c>fid_resnet18</c>, ...);
/// and on MNIST-like 28×28 data also FID, KID, classifier score, precision/recall and class coverage on the features of
/// a small CNN trained once on the real data and cached. Prints a readable summary and one JSON line.
/// </summary>
internal sealed class EvalCommand : Command<EvalCommand.Settings>
{
    public sealed class Settings : CommandSettings
    {
        [CommandArgument(0, "<weights>")]
        [Description("weights.safetensors written by gan train (or the run folder that holds it); or a GAN saved by GanModel.Save, a ModelCheckpoint folder or one of its checkpoints.")]
        public string Weights { get; init; } = string.Empty;

        [CommandOption("--data <NAME>")]
        [Description("The real data: ring8, grid25, shapes, mnist, fashion-mnist, kmnist, cifar10 (optionally name:folder) or an image folder. Default: the 'data' of the run.json beside the weights, else the one recorded in them.")]
        public string? Data { get; init; }

        [CommandOption("--samples <N>")]
        [Description("Sample budget: generated samples to evaluate (default 2500 for 2-D mixtures, 5000 for images).")]
        public int? Samples { get; init; }

        [CommandOption("--resnet-samples <N>")]
        [Description("Generated samples (and as many real images) for the ResNet-18 metrics fid_resnet18, kid_resnet18, precision_resnet18, recall_resnet18: about 25 ms per image each on 2 cores. 0 skips them. Default: 1000.")]
        [DefaultValue(1000)]
        public int ResNetSamples { get; init; } = 1000;

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

        [CommandOption("--out <FILE>")]
        [Description("Also write the JSON report to FILE (through a temporary file and a rename: an interrupted write never leaves half a report).")]
        public string? Out { get; init; }

        [CommandOption("--json")]
        [Description("Print only the JSON line.")]
        public bool Json { get; init; }

        [CommandOption("--verbose")]
        [Description("Print stack traces on errors.")]
        public bool Verbose { get; init; }

        public override ValidationResult Validate()
        {
            if (Samples is <= 0) return ValidationResult.Error($"--samples must be positive (got {Samples}).");
            if (ResNetSamples is < 0 or (> 0 and < 10)) return ValidationResult.Error($"--resnet-samples must be 0 (skip) or at least 10 (got {ResNetSamples}).");
            if (ClassifierEpochs <= 0) return ValidationResult.Error($"--classifier-epochs must be positive (got {ClassifierEpochs}).");
            string path = Directory.Exists(Weights) && File.Exists(Path.Combine(Weights, "weights.safetensors")) ? Path.Combine(Weights, "weights.safetensors") : Weights;
            if (!File.Exists(path) && !Directory.Exists(path)) return ValidationResult.Error($"Weights file '{path}' does not exist. Pass the weights.safetensors written by gan train, or its run folder.");
            return ValidationResult.Success();
        }
    }

    public override int Execute(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        string weights = Directory.Exists(settings.Weights) && File.Exists(Path.Combine(settings.Weights, "weights.safetensors")) ? Path.Combine(settings.Weights, "weights.safetensors") : settings.Weights;
        string data;
        RunConfiguration? run;
        Func<bool, GanModel> open;
        if (File.Exists(weights) && !IsSavedGan(weights))
        {
            var (tensors, metadata) = SafeTensorsFile.Load(weights);
            foreach (var tensor in tensors.Values) tensor.Dispose();
            run = RunFile(weights);
            data = settings.Data ?? run?.Data ?? GuessData(metadata.GetValueOrDefault("data"), weights);
            open = images =>
            {
                var gan = BuildGan(weights, images);
                gan.LoadWeights(weights);
                return gan;
            };
        }
        else
        {
            // A GAN of any architecture: saved whole, or checkpointed with its architecture (SavedGan).
            var saved = SavedRun.Load(weights, "<weights>").Saved;
            run = saved.Configuration;
            string? named = settings.Data ?? run?.Data;
            if (named is null)
            {
                saved.Dispose();
                throw new UsageException($"'{weights}' does not record which data it was trained on (no run.json beside it). Pass --data.");
            }
            data = named;
            open = _ => saved.Gan;
        }
        string kind = data.Split(':')[0].ToLowerInvariant();
        var result = kind is "ring8" or "grid25"
            ? EvaluateMixture(open, kind, settings)
            : settings.Json || !LiveProgress.Supported(AnsiConsole.Console)
                ? EvaluateImages(open, data, run, settings, new ProgressPrinter(settings.Json))
                : AnsiConsole.Progress().AutoClear(true).Start(context => EvaluateImages(open, data, run, settings, new ProgressBars(context)));
        if (!settings.Json) Console.WriteLine(result.Readable);
        string report = JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["weights"] = Path.GetFullPath(weights),
            ["data"] = data,
            ["seed"] = settings.Seed,
            ["metrics"] = result.Metrics,
        }, JsonOptions);
        Console.WriteLine(report);
        if (settings.Out is not null) AtomicFile.WriteAllText(settings.Out, report + "\n");
        return GanCli.Success;
    }

    private static readonly JsonSerializerOptions JsonOptions = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    private static (string Readable, object Metrics) EvaluateMixture(Func<bool, GanModel> open, string kind, Settings settings)
    {
        using var gan = open(false);
        int samples = settings.Samples ?? MixtureMetrics.StandardSampleCount;
        using var generated = gan.Generate(samples, settings.Seed);
        var report = kind == "ring8"
            ? MixtureMetrics.Compute(generated, GaussianMixtures.Ring8Means(), GaussianMixtures.Ring8Sigma)
            : MixtureMetrics.Compute(generated, GaussianMixtures.Grid25Means(), GaussianMixtures.Grid25Sigma);
        return ($"{kind}: {report}", report);
    }

    private static (string Readable, object Metrics) EvaluateImages(Func<bool, GanModel> open, string data, RunConfiguration? run, Settings settings, IProgress<EvaluationProgress> progress)
    {
        // The real images are shaped as the run trained on them (its --image-size and --channels).
        var options = new DatasetOptions { DataRoot = settings.DataRoot, Flatten = false, ImageSize = run?.ImageSize, Channels = run?.Channels };
        using var real = DatasetCatalog.Load(data, options);
        bool digits = real.ElementShape.SequenceEqual(new long[] { 1, 28, 28 });
        if (!digits && settings.ResNetSamples == 0)
            throw new UsageException($"'{data}' holds images of shape [{string.Join(", ", real.ElementShape)}], which only the ResNet-18 metrics measure (the digit classifier needs [1, 28, 28]), and --resnet-samples 0 turns them off. Drop --resnet-samples 0.");
        using var gan = open(true);
        var readable = new List<string>();
        var metrics = new Dictionary<string, object>();
        if (settings.ResNetSamples > 0)
        {
            using var network = new ResNet18Features();
            var resnet = FeatureDistances.Evaluate(gan, real.Features, network, new ImageEvaluationOptions(SampleBudget: settings.ResNetSamples, BatchSize: 50, Seed: settings.Seed), progress);
            readable.Add($"{data}: {resnet}");
            metrics["resnet18_samples"] = resnet.OtherCount;
            metrics["resnet18_real"] = resnet.RealCount;
            foreach (var (name, value) in resnet.Metrics) metrics[name] = value;
        }
        if (digits) readable.Add(EvaluateDigits(gan, real, data, settings, progress, metrics));
        return (string.Join(Environment.NewLine, readable), metrics);
    }

    /// <summary>The metrics on the features of the digit CNN (trained once on the real data and cached).</summary>
    private static string EvaluateDigits(GanModel gan, InMemoryDataset real, string data, Settings settings, IProgress<EvaluationProgress> progress, Dictionary<string, object> metrics)
    {
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
        var evaluation = new ImageEvaluationOptions(SampleBudget: settings.Samples ?? 5_000, Seed: settings.Seed);
        var report = ImageEvaluator.Evaluate(gan, real.Features, classifier.Model, evaluation, progress);
        metrics["classifier_test_accuracy"] = classifier.TestAccuracy;
        metrics["report"] = JsonDocument.Parse(report.ToJson()).RootElement;
        return $"{data}: {report}";
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
        if (RunFile(weights) is { Model: not null, SampleShape: not null } run)
            return run.CreateGan(run.SampleShape);
        var fallback = new RunConfiguration { Model = images ? "mlp" : "mlp-small", Seed = 0 };
        return fallback.CreateGan(images ? new long[] { 784 } : new long[] { 2 });
    }

    /// <summary>Whether <paramref name="file"/> is a zip (a GAN saved by GanModel.Save), not a safetensors file.</summary>
    private static bool IsSavedGan(string file)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = File.OpenRead(file);
        return stream.Read(head) == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
    }

    /// <summary>The run.json beside the weights, or null when there is none (weights saved by a program).</summary>
    private static RunConfiguration? RunFile(string weights)
    {
        var run = new RunFolder(Path.GetDirectoryName(Path.GetFullPath(weights))!);
        return File.Exists(run.ConfigurationFile) ? run.LoadConfiguration() : null;
    }

    /// <summary>One Spectre.Console progress bar per stage, on an interactive terminal.</summary>
    private sealed class ProgressBars(ProgressContext context) : IProgress<EvaluationProgress>
    {
        private readonly Dictionary<string, ProgressTask> tasks = new();

        public void Report(EvaluationProgress value)
        {
            if (!tasks.TryGetValue(value.Stage, out var task))
                tasks[value.Stage] = task = context.AddTask(Markup.Escape(value.Stage), maxValue: Math.Max(1, value.Total));
            task.Value = value.Done;
        }
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
