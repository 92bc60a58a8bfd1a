using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Data;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;
using Spectre.Console.Cli;
using TorchSharp;
using static TorchSharp.torch;

namespace Gan.Keras.Benchmarks;

/// <summary>
/// Times <see cref="GanModel.Fit"/> against a hand-written raw TorchSharp loop of the same network (<c>nn.Linear</c>,
/// <c>BCEWithLogitsLoss</c>, <c>torch.optim.Adam</c>), in one process, interleaved round by round so that the shared
/// machine's load falls on both alike. Both do the same work per step: a shuffled batch, a discriminator update on
/// real and detached generated samples, a generator update on fresh latent vectors. The raw loop is written as the
/// PyTorch tutorials write it: the generator's samples keep their graph until <c>.detach()</c>, and the losses are
/// read with <c>.item()</c> every step.
/// </summary>
internal sealed class SpeedBenchmark : BenchmarkCommand<SpeedBenchmark.Settings>
{
    /// <summary>The options of <c>speed</c>.</summary>
    public sealed class Settings : BenchmarkSettings
    {
        [CommandOption("--network <NAME>")]
        [Description("mlp-small (the 2-D preset) or article-mlp (the article's MNIST MLP, the mlp preset).")]
        [DefaultValue("mlp-small")]
        public string Network { get; init; } = "mlp-small";

        [CommandOption("--batch <N>")]
        [Description("Batch size. Default: 64 for mlp-small, 1024 for article-mlp.")]
        public int? Batch { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Steps per round. Default: 2000 for mlp-small, 40 for article-mlp.")]
        public int? Steps { get; init; }

        [CommandOption("--rounds <N>")]
        [Description("Timed rounds of each side, interleaved; the median is reported.")]
        [DefaultValue(5)]
        public int Rounds { get; init; } = 5;

        [CommandOption("--together")]
        [Description("Score real and generated samples in one discriminator call (GanModel.ScoreRealAndFakeTogether).")]
        public bool Together { get; init; }

        [CommandOption("--only <SIDE>")]
        [Description("fit or raw: time one side alone (for a per-operation profile under perf); both by default.")]
        [DefaultValue("both")]
        public string Only { get; init; } = "both";
    }

    protected override void Run(Settings options)
    {
        string network = options.Network;
        int batch = options.Batch ?? (network == "mlp-small" ? 64 : 1024);
        int steps = options.Steps ?? (network == "mlp-small" ? 2_000 : 40);
        int rounds = options.Rounds;
        bool together = options.Together;
        var (preset, generatorSizes, discriminatorSizes, latent, features, leaky) = Sizes(network);

        double matmul = MatmulGflops();
        using var data = new InMemoryDataset(torch.rand(new long[] { (long)steps * batch, features }) * 2 - 1, name: "uniform");
        using var gan = CreateGan(preset, features);
        gan.ScoreRealAndFakeTogether = together;
        using var raw = new RawLoop(generatorSizes, discriminatorSizes, latent, features, leaky, tanhOutput: preset == "mlp");
        double flopsPerStep = FlopsPerStep(generatorSizes, discriminatorSizes, latent, features, batch);

        // Warm-up (allocator, first-call costs), then the tensor count both settle at.
        gan.Fit(data, epochs: 1, batchSize: batch, verbose: Gan.Keras.Training.FitVerbosity.Silent);
        raw.Train(data, batch);
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var fitRates = new List<double>();
        var rawRates = new List<double>();
        string only = options.Only;
        for (int round = 0; round < rounds; round++)
        {
            if (only != "raw") fitRates.Add(Rate(() => gan.Fit(data, epochs: 1, batchSize: batch, verbose: Gan.Keras.Training.FitVerbosity.Silent), steps, batch));
            if (only != "fit") rawRates.Add(Rate(() => raw.Train(data, batch), steps, batch));
        }
        if (only != "both") return;
        long liveAfter = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        double fit = Median(fitRates), reference = Median(rawRates);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"network {network}, batch {batch}, {torch.get_num_threads()} thread(s), {rounds} rounds of {steps} steps each, score together: {together}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  GanModel.Fit : {fit,10:F0} samples/s  ({fit / batch,7:F1} steps/s, {fit / batch * flopsPerStep / 1e9,6:F2} GFLOP/s)  rounds: {string.Join(", ", fitRates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  raw loop     : {reference,10:F0} samples/s  ({reference / batch,7:F1} steps/s, {reference / batch * flopsPerStep / 1e9,6:F2} GFLOP/s)  rounds: {string.Join(", ", rawRates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  Fit / raw loop: {fit / reference:F2}x;  2048x2048 matmul in the same run: {matmul:F1} GFLOP/s (Fit reaches {fit / batch * flopsPerStep / 1e9 / matmul:P1} of it)"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  live tensors: {liveBefore} before the timed rounds, {liveAfter} after {rounds * steps * 2} more steps"));
    }

    /// <summary>The library preset a network is, and its sizes for the raw loop and the FLOP count.</summary>
    private static (string Preset, int[] Generator, int[] Discriminator, int Latent, int Features, bool LeakyDiscriminator) Sizes(string network) => network switch
    {
        // The CLI's mlp-small preset (2-D data, linear output; LeakyReLU 0.2 in D) and the article's MLP (section 4.2,
        // MNIST-sized, tanh output: the mlp preset), logits out.
        "mlp-small" => ("mlp-small", new[] { 128, 128, 2 }, new[] { 128, 128, 1 }, 16, 2, true),
        "article-mlp" => ("mlp", new[] { 128, 256, 512, 1024, 784 }, new[] { 512, 256, 1 }, 100, 784, false),
        _ => throw new ArgumentException($"Unknown --network '{network}'. Use mlp-small or article-mlp.", nameof(network)),
    };

    private static GanModel CreateGan(string preset, int features)
    {
        var gan = ModelPresets.Create(preset, new long[] { features }, seed: 1);
        gan.Compile(new Adam(2e-4, 0.5, 0.999, 1e-8, AdamUpdateRule.Algorithm1), new Adam(2e-4, 0.5, 0.999, 1e-8, AdamUpdateRule.Algorithm1), new NonSaturatingLoss());
        return gan;
    }

    /// <summary>Matrix-product FLOPs of one step: forward 2·B·in·out per layer, backward twice that (D update: G forward, D forward and backward on real and fake; G update: G and D forward, D backward to its input, G backward).</summary>
    private static double FlopsPerStep(int[] generatorSizes, int[] discriminatorSizes, int latent, int features, int batch)
    {
        static double Forward(int input, int[] sizes, int batch)
        {
            double flops = 0;
            foreach (var units in sizes)
            {
                flops += 2.0 * batch * input * units;
                input = units;
            }
            return flops;
        }
        double g = Forward(latent, generatorSizes, batch), d = Forward(features, discriminatorSizes, batch);
        return (g + 2 * d + 4 * d) + (g + d + d + 2 * g);
    }

    private static double MatmulGflops()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(2048, 2048);
        var b = torch.randn(2048, 2048);
        a.matmul(b);
        var clock = Stopwatch.StartNew();
        int repeats = 0;
        do
        {
            a.matmul(b).Dispose();
            repeats++;
        }
        while (clock.Elapsed < TimeSpan.FromSeconds(2));
        return repeats * 2.0 * 2048 * 2048 * 2048 / clock.Elapsed.TotalSeconds / 1e9;
    }

    private static double Rate(Action run, int steps, int batch)
    {
        var clock = Stopwatch.StartNew();
        run();
        return (double)steps * batch / clock.Elapsed.TotalSeconds;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>The same GAN written directly against TorchSharp, as a PyTorch user would write it.</summary>
    private sealed class RawLoop : IDisposable
    {
        private readonly nn.Module<Tensor, Tensor> generator;
        private readonly nn.Module<Tensor, Tensor> discriminator;
        private readonly optim.Optimizer generatorOptimizer;
        private readonly optim.Optimizer discriminatorOptimizer;
        private readonly nn.Module<Tensor, Tensor, Tensor> bce = nn.BCEWithLogitsLoss();
        private readonly Generator random = new(1, CPU);
        private readonly int latent;

        public RawLoop(int[] generatorSizes, int[] discriminatorSizes, int latent, int features, bool leaky, bool tanhOutput)
        {
            this.latent = latent;
            generator = Mlp(latent, generatorSizes, () => nn.ReLU(), tanhOutput ? nn.Tanh() : null);
            discriminator = Mlp(features, discriminatorSizes, leaky ? () => nn.LeakyReLU(0.2) : () => nn.ReLU(), null);
            generatorOptimizer = optim.Adam(generator.parameters(), 2e-4, 0.5, 0.999, 1e-8);
            discriminatorOptimizer = optim.Adam(discriminator.parameters(), 2e-4, 0.5, 0.999, 1e-8);
        }

        public void Train(InMemoryDataset data, int batch)
        {
            using var ones = torch.ones(batch, 1);
            using var zeros = torch.zeros(batch, 1);
            using var order = torch.randperm(data.Count, generator: random);
            long steps = data.Count / batch;
            for (long step = 0; step < steps; step++)
            {
                using var scope = torch.NewDisposeScope();
                var real = data.Features.index_select(0, order.narrow(0, step * batch, batch));

                discriminatorOptimizer.zero_grad();
                var fake = generator.forward(torch.randn(new long[] { batch, latent }, generator: random));
                var dLoss = bce.forward(discriminator.forward(real), ones) + bce.forward(discriminator.forward(fake.detach()), zeros);
                dLoss.backward();
                discriminatorOptimizer.step();

                generatorOptimizer.zero_grad();
                var gLoss = bce.forward(discriminator.forward(generator.forward(torch.randn(new long[] { batch, latent }, generator: random))), ones);
                gLoss.backward();
                generatorOptimizer.step();

                _ = dLoss.item<float>() + gLoss.item<float>();
            }
        }

        public void Dispose()
        {
            generator.Dispose();
            discriminator.Dispose();
            bce.Dispose();
            random.Dispose();
        }

        private static nn.Module<Tensor, Tensor> Mlp(int input, int[] sizes, Func<nn.Module<Tensor, Tensor>> hidden, nn.Module<Tensor, Tensor>? output)
        {
            var layers = new List<nn.Module<Tensor, Tensor>>();
            for (int i = 0; i < sizes.Length; i++)
            {
                layers.Add(nn.Linear(i == 0 ? input : sizes[i - 1], sizes[i]));
                if (i < sizes.Length - 1) layers.Add(hidden());
            }
            if (output is not null) layers.Add(output);
            return nn.Sequential(layers.ToArray());
        }
    }
}
