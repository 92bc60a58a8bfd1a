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
/// Full-size runs, scored after every epoch: the Keras WGAN-GP example (keras-io <c>examples/generative/wgan_gp.py</c>)
/// on the 60,000 Fashion-MNIST training images (<c>fashion-wgangp</c>), and the 32×32 colour <see cref="DcganPreset"/>
/// on colour procedural shapes (<c>colour-dcgan</c>). FID and KID use the project's classifier trained on the data's
/// labels where the images are 28×28 gray, and the ResNet-18 features for both.
/// </summary>
internal sealed class FullSizeBenchmark : BenchmarkCommand<FullSizeBenchmark.Settings>
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the IDX files.</summary>
    public const string FashionFolder = "/usr/share/datasets/fashion-mnist";

    /// <summary>The options of <c>fullsize</c>.</summary>
    public sealed class Settings : ImageBenchmarkSettings
    {
        [CommandOption("--data <RUN>")]
        [Description("The run: fashion-wgangp (the Keras WGAN-GP example on Fashion-MNIST) or colour-dcgan (the 32×32 colour DCGAN preset on colour shapes).")]
        [DefaultValue("fashion-wgangp")]
        public string Data { get; init; } = "fashion-wgangp";

        [CommandOption("--fashion <DIR>")]
        [Description("The Fashion-MNIST folder (train and t10k IDX files).")]
        [DefaultValue(FashionFolder)]
        public string Fashion { get; init; } = FashionFolder;

        [CommandOption("--resnet-samples <N>")]
        [Description("Samples scored with the ResNet-18 features.")]
        [DefaultValue(1_000)]
        public int ResNetSamples { get; init; } = 1_000;

        [CommandOption("--count <N>")]
        [Description("colour-dcgan: training images.")]
        [DefaultValue(10_000)]
        public int Count { get; init; } = 10_000;

        [CommandOption("--limit <N>")]
        [Description("fashion-wgangp: keep only the first N training images.")]
        public int? Limit { get; init; }
    }

    protected override void Run(Settings options)
    {
        string data = options.Data;
        int epochs = options.Epochs ?? 1;
        long seed = options.Seed;
        int classifierBudget = options.Samples;
        int resnetBudget = options.ResNetSamples;
        var setup = data switch
        {
            "fashion-wgangp" => Fashion(options, seed),
            "colour-dcgan" => Colour(options, seed),
            _ => throw new ArgumentException($"Unknown full-size run '{data}'. Use fashion-wgangp or colour-dcgan.", nameof(options)),
        };
        using var train = setup.Train;
        using var reference = setup.Reference;
        using var gan = setup.Gan;

        var clock = Stopwatch.StartNew();
        using var classifier = setup.Gray
            ? MnistClassifierTrainer.TrainOrLoad(train, options.CacheOrDefault, new ClassifierTrainingOptions(Epochs: options.ClassifierEpochs))
            : null;
        if (classifier is not null)
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"classifier: test accuracy {classifier.TestAccuracy:P2} on {classifier.TestCount} held-out {train.Name} images (trained on {classifier.TrainCount} for their labels; {(classifier.LoadedFromCache ? "cached" : $"trained in {clock.Elapsed.TotalSeconds:F0} s")})"));
        var classifierOptions = new ImageEvaluationOptions(SampleBudget: classifierBudget, Seed: seed);
        var resnetOptions = new ImageEvaluationOptions(SampleBudget: resnetBudget, BatchSize: 50, KidSubsetSize: Math.Min(1_000, resnetBudget), Seed: seed);
        using var resnet = new ResNet18Features(threads: options.Threads);
        clock.Restart();
        var (realFeatures, _) = ImageEvaluator.Activations(resnet, reference.Features, resnetBudget, resnetOptions.BatchSize, "real features", null);
        using var realResNet = realFeatures;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"resnet18: {realResNet.shape[0]} reference features in {clock.Elapsed.TotalSeconds:F0} s"));

        var rows = new List<string>();
        using (var scope = torch.NewDisposeScope())
        {
            // Scale: the training images against the reference images, at the same budgets.
            var real = ResNet(resnet, realResNet, train.Features, resnetOptions);
            var realClassifier = classifier is null ? null : ImageEvaluator.Evaluate(reference.Features, train.Features, classifier.Model, classifierOptions);
            rows.Add(Row($"real: {train.Name} vs {reference.Name}", realClassifier, real, null));
        }

        long perEpoch = train.BatchCount(setup.Batch * gan.DiscriminatorSteps, dropRemainder: true);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var wall = Stopwatch.StartNew();
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            // One Fit per epoch, so that each is timed and scored alone; a redirected log also gets a line every 10 steps.
            var callbacks = new List<Callback> { new ProgbarLogger() };
            if (Console.IsOutputRedirected) callbacks.Add(new StepLog(10));
            gan.Fit(train, epoch + 1, setup.Batch, callbacks: callbacks, initialEpoch: epoch, verbose: Gan.Keras.Training.FitVerbosity.Silent);
            double seconds = wall.Elapsed.TotalSeconds, cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
            long images = perEpoch * setup.Batch * gan.DiscriminatorSteps;
            var timing = new Timing(perEpoch, images, seconds, cpuSeconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}: {perEpoch} generator steps, {images} real images in {seconds:F0} s ({images / seconds:F1} images/s, {seconds / perEpoch:F2} s/step, CPU {cpuSeconds:F0} s)"));

            using var scope = torch.NewDisposeScope();
            var byClassifier = classifier is null ? null : ImageEvaluator.Evaluate(gan, reference.Features, classifier.Model, classifierOptions);
            var byResNet = ResNet(resnet, realResNet, gan.Generate(resnetBudget, seed), resnetOptions);
            Console.WriteLine($"  {byClassifier?.ToString() ?? "(no classifier features for colour images)"}");
            Console.WriteLine($"  {byResNet}");
            rows.Add(Row($"epoch {epoch + 1}", byClassifier, byResNet, timing));
            if (options.SamplesPng is { } folder)
            {
                using var samples = gan.Generate(64, seed);
                ImageGrid.SavePng(Path.Combine(folder, $"fullsize-{data}-epoch{epoch + 1}.png"), samples, columns: 8, scale: 1);
            }
        }

        var text = new StringBuilder();
        text.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{setup.Description}; seed {seed}."));
        text.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Classifier metrics on {classifierBudget} samples, ResNet-18 metrics on {resnetBudget}, both against the first images of {reference.Name}."));
        text.AppendLine();
        text.AppendLine("| row | FID (classifier) ↓ | KID (classifier) ↓ | `fid_resnet18` ↓ | `kid_resnet18` ↓ | generator steps | wall-clock / CPU | real images/s |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var row in rows) text.AppendLine(row);
        Console.WriteLine();
        Console.WriteLine(text);
        if (options.Out is { } path) AtomicFile.WriteAllText(path, text.ToString());
    }

    private static FeatureDistanceReport ResNet(ResNet18Features resnet, torch.Tensor realFeatures, torch.Tensor images, ImageEvaluationOptions options)
    {
        var (features, _) = ImageEvaluator.Activations(resnet, images, options.SampleBudget, options.BatchSize, "compared features", null);
        return FeatureDistances.Compare(resnet.Name, realFeatures, features, options);
    }

    private static string Row(string name, ImageMetricsReport? c, FeatureDistanceReport r, Timing? t)
    {
        string classifier = c is null ? "— | —" : string.Create(CultureInfo.InvariantCulture, $"{c.Fid:F2} | {c.Kid.Mean:F3} ± {c.Kid.Std:F3}");
        string timing = t is null ? "— | — | —" : string.Create(CultureInfo.InvariantCulture, $"{t.Steps} | {t.Seconds:F0} s / {t.CpuSeconds:F0} s | {t.Images / t.Seconds:F1}");
        return string.Create(CultureInfo.InvariantCulture, $"| {name} | {classifier} | {r.Fid:F2} | {r.Kid.Mean:F4} ± {r.Kid.Std:F4} | {timing} |");
    }

    /// <summary>
    /// The Keras example's networks, as close as the library's layers allow. Its critic pads 28×28 to 32×32
    /// (<c>ZeroPadding2D</c>) and its generator crops 32×32 to 28×28 (<c>Cropping2D</c>); neither layer exists here, so
    /// the critic's "same"-padded convolutions run on 28×28 (28 → 14 → 7 → 4 → 2, the same 2×2×512 before the dense
    /// layer) and the generator starts from 7×7 and upsamples twice, its last block a stride-1 convolution without
    /// upsampling. Everything else is the example's: 5×5 critic kernels with biases, dropout 0.3/0.3/0.2, 3×3 generator
    /// kernels without biases, batch normalisation and LeakyReLU(0.2), latent 128, batch 512, 3 critic steps, λ = 10,
    /// Adam(2e-4, β₁ 0.5, β₂ 0.9).
    /// </summary>
    private static Setup Fashion(Settings options, long seed)
    {
        const int latentDim = 128;
        string folder = options.Fashion;
        if (!Mnist.HasSplit(folder, "train"))
            throw new DirectoryNotFoundException($"Fashion-MNIST's training split is not in '{folder}'. Install it with 'apt-get install dataset-fashion-mnist' or pass --fashion DIR.");
        var train = Mnist.Load(folder, "train", flatten: false, limit: options.Limit ?? int.MaxValue, name: "fashion-mnist");
        var reference = Mnist.Load(folder, "t10k", flatten: false, name: "fashion-mnist");
        RandomSeed.Set(seed);
        var generator = new Sequential(new Layer[]
        {
            new Dense(7 * 7 * 256, useBias: false), new BatchNormalization(), new LeakyReLU(0.2),
            new Reshape(new long[] { 256, 7, 7 }),
            new UpSampling2D(2), new Conv2D(128, 3, padding: "same", useBias: false), new BatchNormalization(), new LeakyReLU(0.2),
            new UpSampling2D(2), new Conv2D(64, 3, padding: "same", useBias: false), new BatchNormalization(), new LeakyReLU(0.2),
            new Conv2D(1, 3, padding: "same", useBias: false), new BatchNormalization(), new Activation("tanh"),
        }, inputShape: new long[] { latentDim }, name: "generator");
        var critic = new Sequential(new Layer[]
        {
            new Conv2D(64, 5, strides: 2, padding: "same"), new LeakyReLU(0.2),
            new Conv2D(128, 5, strides: 2, padding: "same"), new LeakyReLU(0.2), new Dropout(0.3),
            new Conv2D(256, 5, strides: 2, padding: "same"), new LeakyReLU(0.2), new Dropout(0.3),
            new Conv2D(512, 5, strides: 2, padding: "same"), new LeakyReLU(0.2),
            new Flatten(), new Dropout(0.2), new Dense(1),
        }, inputShape: new long[] { 1, 28, 28 }, name: "critic");
        var gan = new GanModel(generator, critic, latentDim, seed) { DiscriminatorSteps = 3 };
        gan.Compile(new Adam(2e-4, beta1: 0.5, beta2: 0.9), new Adam(2e-4, beta1: 0.5, beta2: 0.9), new WassersteinGpLoss(penaltyWeight: 10));
        int batch = options.Batch ?? 512;
        return new Setup(train, reference, gan, batch, Gray: true,
            $"WGAN-GP of the Keras example on {train.Count} Fashion-MNIST training images: batch {batch}, latent {latentDim}, 3 critic steps per generator step (each on its own real batch), λ = 10, Adam(2e-4, 0.5, 0.9)");
    }

    /// <summary>The 32×32 colour <see cref="DcganPreset"/> (non-saturating loss, Adam(2e-4, β₁ 0.5)) on colour procedural shapes.</summary>
    private static Setup Colour(Settings options, long seed)
    {
        const int side = 32, latentDim = DcganPreset.DefaultLatentDim;
        var train = ProceduralShapes.Load(options.Count, seed, channels: 3, side: side);
        var reference = ProceduralShapes.Load(options.Samples, seed + 1, channels: 3, side: side);
        RandomSeed.Set(seed);
        var gan = ModelPresets.Create("dcgan", new long[] { 3, side, side }, seed);
        LossDefaults.Compile(gan, new NonSaturatingLoss(), learningRate: 2e-4);
        int batch = options.Batch ?? 64;
        return new Setup(train, reference, gan, batch, Gray: false,
            $"32×32 colour DcganPreset on {train.Count} colour procedural shapes (seed {seed}; reference set seed {seed + 1}): batch {batch}, latent {latentDim}, non-saturating loss, Adam(2e-4, 0.5, 0.999)");
    }

    private sealed record Setup(InMemoryDataset Train, InMemoryDataset Reference, GanModel Gan, int Batch, bool Gray, string Description);

    private sealed record Timing(long Steps, long Images, double Seconds, double CpuSeconds);

    /// <summary>Prints the wall-clock time every <c>every</c> generator steps, so long epochs show progress.</summary>
    private sealed class StepLog(int every) : Callback
    {
        private readonly Stopwatch clock = Stopwatch.StartNew();

        public override void OnBatchEnd(int batch, BatchLogs logs)
        {
            if ((batch + 1) % every == 0)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    step {batch + 1}: {clock.Elapsed.TotalSeconds:F0} s"));
        }
    }
}
