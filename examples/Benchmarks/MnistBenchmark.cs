using System.Diagnostics;
using System.Globalization;
using System.Text;
using Gan.Keras.Data;
using Gan.Keras.Export.Images;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Evaluation;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;
using Gan.Keras.Export;
using TorchSharp;

namespace Gan.Keras.Benchmarks;

/// <summary>
/// Trains MLP GANs on MNIST t10k (the only MNIST split on these machines) for a fixed number of epochs and measures
/// FID, KID, classifier score, precision/recall and class coverage with the project's own MNIST classifier; adds the
/// reference rows real-vs-real (two random halves) and uniform noise so the numbers have a scale.
/// </summary>
internal static class MnistBenchmark
{
    public static void Run(BenchmarkOptions options)
    {
        string mnist = options.String("mnist") ?? Path.Combine("tests", "data", "mnist");
        int epochs = options.Int("epochs", 20);
        int batch = options.Int("batch", 64);
        int budget = options.Int("samples", 5_000);
        long seed = options.Int("seed", 0);
        var models = options.List("models", "article-mlp,leaky-mlp,dcgan");
        string cache = options.String("cache") ?? Path.Combine(Path.GetTempPath(), "gan-keras-benchmark-classifier");

        using var images = Mnist.Load(mnist, "t10k", flatten: false);
        using var flat = Mnist.Load(mnist, "t10k", flatten: true);
        var clock = Stopwatch.StartNew();
        using var classifier = MnistClassifierTrainer.TrainOrLoad(images, cache, new ClassifierTrainingOptions(Epochs: options.Int("classifier-epochs", 5)));
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
            gan.Fit(data, epochs, batch, callbacks: new[] { new EpochLog(epochs) });
            double trainWall = wall.Elapsed.TotalSeconds, trainCpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            var report = ImageEvaluator.Evaluate(gan, data.Features, classifier.Model, evaluation);
            Console.WriteLine($"{name}: {report}");
            long steps = flat.BatchCount(batch, dropRemainder: true) * epochs;
            rows.Add(Row(name, string.Create(CultureInfo.InvariantCulture, $"{epochs} epochs × {flat.Count / batch} steps (batch {batch}) = {steps} steps"), report, (trainWall, trainCpu)));
            if (options.String("samples-png") is { } folder)
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
    /// The MLP GANs — the article's (ReLU, as <c>gan train --data mnist</c> builds it) and a LeakyReLU variant — and the
    /// DCGAN of examples/Dcgan (Radford et al. 2016, scaled to 28×28).
    /// </summary>
    private static GanModel Build(string name, long seed)
    {
        if (name == "dcgan") return Dcgan(seed);
        (Layer[] G, Layer[] D) layers = name switch
        {
            "article-mlp" => (
                new Layer[] { new Dense(128, "relu"), new Dense(256, "relu"), new Dense(512, "relu"), new Dense(1024, "relu"), new Dense(784, "tanh") },
                new Layer[] { new Dense(512, "relu"), new Dense(256, "relu"), new Dense(1) }),
            "leaky-mlp" => (
                new Layer[] { new Dense(256), new LeakyReLU(0.2), new Dense(512), new LeakyReLU(0.2), new Dense(784, "tanh") },
                new Layer[] { new Dense(512), new LeakyReLU(0.2), new Dense(256), new LeakyReLU(0.2), new Dense(1) }),
            _ => throw new ArgumentException($"Unknown MNIST model '{name}'. Use article-mlp or leaky-mlp.", nameof(name)),
        };
        var gan = new GanModel(
            new Sequential(layers.G, inputShape: new long[] { 100 }, name: "generator"),
            new Sequential(layers.D, inputShape: new long[] { 784 }, name: "discriminator"),
            latentDim: 100, seed: seed);
        gan.Compile(new Adam(2e-4, 0.5, 0.999), new Adam(2e-4, 0.5, 0.999), new BinaryCrossentropy(fromLogits: true));
        return gan;
    }

    private static GanModel Dcgan(long seed)
    {
        const int latentDim = DcganPreset.DefaultLatentDim;
        var generator = DcganPreset.Generator(latentDim);
        var discriminator = DcganPreset.Discriminator();
        var gan = new GanModel(generator, discriminator, latentDim, seed);
        gan.Compile(new Adam(2e-4, 0.5, 0.999), new Adam(2e-4, 0.5, 0.999), new NonSaturatingLoss());
        return gan;
    }
}
