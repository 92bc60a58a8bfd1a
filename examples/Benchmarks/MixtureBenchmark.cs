using System.Diagnostics;
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Evaluation;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;

namespace Gan.Keras.Benchmarks;

/// <summary>The training budget and architecture of one 2-D mixture benchmark.</summary>
internal sealed record MixtureConfig(
    string Dataset,
    int Steps,
    int BatchSize,
    int LatentDim,
    int Hidden,
    int Layers,
    double LearningRate,
    double Beta1,
    double Beta2,
    int Pack = 1,
    double DecayTo = 1.0,
    int CriticSteps = 1)
{
    public static MixtureConfig Default(string dataset) => dataset switch
    {
        "ring8" => new MixtureConfig("ring8", Steps: 5_000, BatchSize: 256, LatentDim: 16, Hidden: 128, Layers: 2, LearningRate: 1e-3, Beta1: 0.5, Beta2: 0.999),
        "grid25" => new MixtureConfig("grid25", Steps: 5_000, BatchSize: 256, LatentDim: 16, Hidden: 128, Layers: 2, LearningRate: 1e-3, Beta1: 0.5, Beta2: 0.999),
        _ => throw new ArgumentException($"Unknown mixture '{dataset}'. Use ring8 or grid25.", nameof(dataset)),
    };

    public double[,] Means => Dataset == "ring8" ? GaussianMixtures.Ring8Means() : GaussianMixtures.Grid25Means();

    public double Sigma => Dataset == "ring8" ? GaussianMixtures.Ring8Sigma : GaussianMixtures.Grid25Sigma;
}

/// <summary>One measured run: the metrics on 2,500 samples of the final generator and the wall-clock time.</summary>
internal sealed record MixtureRun(string Dataset, string Loss, long Seed, MixtureReport Report, double Seconds, double CpuSeconds);

/// <summary>Trains an MLP GAN on Ring8 or Grid25 for a fixed number of steps and measures mode coverage.</summary>
internal static class MixtureBenchmark
{
    public static MixtureRun Run(MixtureConfig config, string lossName, long seed, Action<string>? log = null, int evalEvery = 0)
    {
        var clock = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        RandomSeed.Set(seed);
        // Fresh samples for every update (the VEEGAN protocol's infinite data): one epoch over steps × critic steps × batch points.
        int count = config.Steps * config.CriticSteps * config.BatchSize;
        using var data = config.Dataset == "ring8" ? GaussianMixtures.Ring8(count, seed) : GaussianMixtures.Grid25(count, seed);
        using var gan = Build(config, LossRegistry.Create(lossName), seed);
        var callbacks = new List<Callback>();
        if (config.DecayTo < 1) callbacks.Add(LearningRateScheduler.Linear(config.LearningRate, config.LearningRate * config.DecayTo, config.Steps));
        if (evalEvery > 0) callbacks.Add(new Probe(config, evalEvery, seed, log));
        gan.Fit(data, epochs: 1, batchSize: config.BatchSize, callbacks: callbacks, shuffle: false, verbose: Gan.Keras.Training.FitVerbosity.Silent);
        using var samples = gan.Generate(MixtureMetrics.StandardSampleCount, seed: seed + 1_000);
        var report = MixtureMetrics.Compute(samples, config.Means, config.Sigma);
        clock.Stop();
        double cpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds;
        log?.Invoke($"{config.Dataset} {lossName} seed {seed}: {report} in {clock.Elapsed.TotalSeconds:F1} s ({cpuSeconds:F1} CPU s)");
        return new MixtureRun(config.Dataset, lossName, seed, report, clock.Elapsed.TotalSeconds, cpuSeconds);
    }

    private static GanModel Build(MixtureConfig config, GanLoss loss, long seed)
    {
        var generatorLayers = new List<Layer>();
        var discriminatorLayers = new List<Layer>();
        for (int i = 0; i < config.Layers; i++)
        {
            generatorLayers.Add(new Dense(config.Hidden, "relu"));
            discriminatorLayers.Add(new Dense(config.Hidden));
            discriminatorLayers.Add(new LeakyReLU(0.2));
        }
        generatorLayers.Add(new Dense(2));
        discriminatorLayers.Add(new Dense(1));
        var generator = new Sequential(generatorLayers, inputShape: new long[] { config.LatentDim }, name: "generator");
        Model discriminator = config.Pack == 1
            ? new Sequential(discriminatorLayers, inputShape: new long[] { 2 }, name: "discriminator")
            : new PackedDiscriminator(new Sequential(discriminatorLayers, inputShape: new long[] { 2 * config.Pack }, name: "packed"), config.Pack);
        if (!discriminator.Built) discriminator.Build(new long[] { 2 });
        var gan = new GanModel(generator, discriminator, config.LatentDim, seed) { DiscriminatorSteps = config.CriticSteps };
        gan.Compile(
            new Adam(config.LearningRate, config.Beta1, config.Beta2),
            new Adam(config.LearningRate, config.Beta1, config.Beta2),
            loss);
        return gan;
    }

    /// <summary>Prints the metrics every few steps while tuning (<c>--eval-every</c>).</summary>
    private sealed class Probe(MixtureConfig config, int every, long seed, Action<string>? log) : Callback
    {
        public override void OnBatchEnd(int batch, BatchLogs logs)
        {
            if ((batch + 1) % every != 0 || Context is null) return;
            using var random = new TorchSharp.torch.Generator((ulong)(seed + 1_000), TorchSharp.torch.CPU);
            using var latent = TorchSharp.torch.randn(new long[] { MixtureMetrics.StandardSampleCount, Context.LatentDim }, generator: random);
            using var samples = Context.Generate(latent);
            log?.Invoke($"  step {batch + 1}: {MixtureMetrics.Compute(samples, config.Means, config.Sigma)}  d_loss {logs["d_loss"]:F3} g_loss {logs["g_loss"]:F3}");
        }
    }
}
