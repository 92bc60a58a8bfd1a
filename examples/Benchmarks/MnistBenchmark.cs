using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Evaluation;
using Gan.Keras.Export;
using Gan.Keras.Export.Images;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using Spectre.Console.Cli;
using TorchSharp;

namespace Gan.Keras.Benchmarks;

/// <summary>
/// Trains MLP GANs on MNIST t10k (the only MNIST split on these machines) for a fixed number of epochs and measures
/// FID, KID, classifier score, precision/recall and class coverage with the project's own MNIST classifier; adds the
/// reference rows real-vs-real (two random halves) and uniform noise so the numbers have a scale.
/// </summary>
internal sealed class MnistBenchmark : BenchmarkCommand<MnistBenchmark.Settings>
{
    /// <summary>The options of <c>mnist</c>.</summary>
    public sealed class Settings : ImageBenchmarkSettings
    {
        [CommandOption("--mnist <DIR>")]
        [Description("The folder with MNIST's t10k split.")]
        [DefaultValue("tests/data/mnist")]
        public string Mnist { get; init; } = Path.Combine("tests", "data", "mnist");

        [CommandOption("--models <LIST>")]
        [Description("Models, comma-separated: article-mlp, leaky-mlp, dcgan.")]
        [DefaultValue("article-mlp,leaky-mlp,dcgan")]
        public string Models { get; init; } = "article-mlp,leaky-mlp,dcgan";
    }

    protected override void Run(Settings options)
    {
        string mnist = options.Mnist;
        int epochs = options.Epochs ?? 20;
        int batch = options.Batch ?? 64;
        int budget = options.Samples;
        long seed = options.Seed;
        var models = options.Models.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        string cache = options.CacheOrDefault;

        using var images = Mnist.Load(mnist, "t10k", flatten: false);
        using var flat = Mnist.Load(mnist, "t10k", flatten: true);
        var clock = Stopwatch.StartNew();
        using var classifier = MnistClassifierTrainer.TrainOrLoad(images, cache, new ClassifierTrainingOptions(Epochs: options.ClassifierEpochs));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"classifier: test accuracy {classifier.TestAccuracy:P2} on {classifier.TestCount} held-out t10k digits (trained on {classifier.TrainCount}; {(classifier.LoadedFromCache ? "cached" : $"trained in {clock.Elapsed.TotalSeconds:F0} s")})"));
        var evaluation = new ImageEvaluationOptions(SampleBudget: budget, Seed: seed);

        var rows = new List<string>();
        using (var scope = torch.NewDisposeScope())
        {
            using var generator = new torch.Generator((ulong)seed, torch.CPU);
            var order = torch.randperm(images.Count, generator: generator);
            var half = (int)(images.Count / 2);
            var first = images.Features.index_select(0, order[..half]);
            var second = images.Features.index_select(0, order[half..]);
            var real = ImageEvaluator.Evaluate(first, second, classifier.Model, evaluation);
            rows.Add(Row("real vs real (two random halves of t10k)", "—", real, null));
            var noise = torch.rand(new long[] { budget, 1, 28, 28 }, generator: generator) * 2 - 1;
            var random = ImageEvaluator.Evaluate(first, noise, classifier.Model, evaluation);
            rows.Add(Row("uniform noise", "—", random, null));
        }

        foreach (var name in models)
        {
            RandomSeed.Set(seed);
            using var gan = Build(name, seed);
            var wall = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var data = name == "dcgan" ? images : flat;
            gan.Fit(data, epochs, batch, callbacks: new[] { new ProgbarLogger() });
            double trainWall = wall.Elapsed.TotalSeconds, trainCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var report = ImageEvaluator.Evaluate(gan, data.Features, classifier.Model, evaluation);
            Console.WriteLine($"{name}: {report}");
            long steps = flat.BatchCount(batch, dropRemainder: true) * epochs;
            rows.Add(Row(name, string.Create(CultureInfo.InvariantCulture, $"{epochs} epochs × {flat.Count / batch} steps (batch {batch}) = {steps} steps"), report, (trainWall, trainCpu)));
            if (options.SamplesPng is { } folder)
            {
                using var samples = gan.Generate(64, seed);
                ImageGrid.SavePng(Path.Combine(folder, $"mnist-{name}.png"), samples, columns: 8, scale: 1);
            }
        }

        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Feature network: the project's MNIST CNN, test accuracy {classifier.TestAccuracy:P2} on {classifier.TestCount} held-out t10k digits (trained on {classifier.TrainCount}). Metrics on {budget} samples against {Math.Min(budget, images.Count)} real t10k digits; seed {seed}."));
        text.AppendLine();
        text.AppendLine("| model | budget | FID ↓ | KID ↓ | classifier score ↑ | precision ↑ | recall ↑ | classes covered | class KL ↓ | training wall-clock / CPU |");
        text.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) text.AppendLine(row);
        Console.WriteLine();
        Console.WriteLine(text);
        if (options.Out is { } path) AtomicFile.WriteAllText(path, text.ToString());
    }

    private static string Row(string name, string budget, ImageMetricsReport r, (double Wall, double Cpu)? time) => string.Create(CultureInfo.InvariantCulture,
        $"| {name} | {budget} | {r.Fid:F2} | {r.Kid.Mean:F3} ± {r.Kid.Std:F3} | {r.ClassifierScore:F2} | {r.PrecisionRecall.Precision:F3} | {r.PrecisionRecall.Recall:F3} | {r.Coverage.ClassesCovered}/10 | {r.Coverage.KlFromUniform:F3} | {(time is { } t ? $"{t.Wall:F0} s / {t.Cpu:F0} s" : "—")} |");

    /// <summary>
    /// The MLP GANs — the article's (<see cref="ModelPresets"/> <c>mlp</c>: ReLU, as <c>gan train --data mnist</c> builds
    /// it) and a LeakyReLU variant — and the DCGAN of examples/Dcgan (<see cref="DcganPreset"/>, Radford et al. 2016,
    /// scaled to 28×28).
    /// </summary>
    private static GanModel Build(string name, long seed)
    {
        switch (name)
        {
            case "article-mlp":
            {
                var gan = ModelPresets.Create("mlp", new long[] { 784 }, seed);
                gan.Compile(new Adam(2e-4, 0.5, 0.999), new Adam(2e-4, 0.5, 0.999), new BinaryCrossentropy(fromLogits: true));
                return gan;
            }
            case "leaky-mlp":
            {
                var gan = new GanModel(
                    new Sequential(new Layer[] { new Dense(256), new LeakyReLU(0.2), new Dense(512), new LeakyReLU(0.2), new Dense(784, "tanh") }, inputShape: new long[] { 100 }, name: "generator"),
                    new Sequential(new Layer[] { new Dense(512), new LeakyReLU(0.2), new Dense(256), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 784 }, name: "discriminator"),
                    latentDim: 100, seed: seed);
                gan.Compile(new Adam(2e-4, 0.5, 0.999), new Adam(2e-4, 0.5, 0.999), new BinaryCrossentropy(fromLogits: true));
                return gan;
            }
            case "dcgan":
            {
                var gan = ModelPresets.Create("dcgan", new long[] { 1, 28, 28 }, seed);
                LossDefaults.Compile(gan, new NonSaturatingLoss(), learningRate: 2e-4);
                return gan;
            }
            default:
                throw new ArgumentException($"Unknown MNIST model '{name}'. Use article-mlp, leaky-mlp or dcgan.", nameof(name));
        }
    }
}
