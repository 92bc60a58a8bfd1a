using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
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
internal static class SpeedBenchmark
{
    public static void Run(BenchmarkOptions options)
    {
        string network = options.String("network") ?? "mlp-small";
        int batch = options.Int("batch", network == "mlp-small" ? 64 : 1024);
        int steps = options.Int("steps", network == "mlp-small" ? 2_000 : 40);
        int rounds = options.Int("rounds", 5);
        bool together = options.String("together") == "true";
        var (generatorSizes, discriminatorSizes, latent, features, leaky) = Sizes(network);

        double matmul = MatmulGflops();
        using var data = new InMemoryDataset(torch.rand(new long[] { (long)steps * batch, features }) * 2 - 1, name: "uniform");
        using var gan = CreateGan(generatorSizes, discriminatorSizes, latent, features, leaky);
        gan.ScoreRealAndFakeTogether = together;
        using var raw = new RawLoop(generatorSizes, discriminatorSizes, latent, features, leaky);
        double flopsPerStep = FlopsPerStep(generatorSizes, discriminatorSizes, latent, features, batch);

        // Warm-up (allocator, first-call costs), then the tensor count both settle at.
        gan.Fit(data, epochs: 1, batchSize: batch);
        raw.Train(data, batch);
        long liveBefore = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        var fitRates = new List<double>();
        var rawRates = new List<double>();
        // --only fit|raw times one side alone (for a per-operation profile under perf).
        string only = options.String("only") ?? "both";
        for (int round = 0; round < rounds; round++)
        {
            if (only != "raw") fitRates.Add(Rate(() => gan.Fit(data, epochs: 1, batchSize: batch), steps, batch));
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

    private static (int[] Generator, int[] Discriminator, int Latent, int Features, bool LeakyDiscriminator) Sizes(string network) => network switch
    {
        // The CLI's mlp-small preset (2-D data; LeakyReLU 0.2 in D) and the article's MLP (section 4.2, MNIST-sized), logits out.
        "mlp-small" => (new[] { 128, 128, 2 }, new[] { 128, 128, 1 }, 16, 2, true),
        "article-mlp" => (new[] { 128, 256, 512, 1024, 784 }, new[] { 512, 256, 1 }, 100, 784, false),
        _ => throw new ArgumentException($"Unknown --network '{network}'. Use mlp-small or article-mlp.", nameof(network)),
    };

    private static GanModel CreateGan(int[] generatorSizes, int[] discriminatorSizes, int latent, int features, bool leaky)
    {
        var generator = new Sequential(generatorSizes.Select((units, i) => (Layer)new Dense(units, i < generatorSizes.Length - 1 ? "relu" : "tanh")), inputShape: new long[] { latent }, name: "generator");
        var discriminatorLayers = new List<Layer>();
        for (int i = 0; i < discriminatorSizes.Length; i++)
        {
            bool hidden = i < discriminatorSizes.Length - 1;
            discriminatorLayers.Add(new Dense(discriminatorSizes[i], hidden && !leaky ? "relu" : null));
            if (hidden && leaky) discriminatorLayers.Add(new LeakyReLU(0.2));
        }
        var discriminator = new Sequential(discriminatorLayers, inputShape: new long[] { features }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latent, seed: 1);
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

        public RawLoop(int[] generatorSizes, int[] discriminatorSizes, int latent, int features, bool leaky)
        {
            this.latent = latent;
            generator = Mlp(latent, generatorSizes, () => nn.ReLU(), nn.Tanh());
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
