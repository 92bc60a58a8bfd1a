using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;
using Spectre.Console.Cli;
using TorchSharp;

namespace Gan.Keras.Benchmarks;

/// <summary>
/// Training speed of the presets under float32 and under a mixed-precision dtype policy, in one process, round by
/// round in alternating order so that the shared machine's load falls on both alike. First the kernels themselves
/// (a 2048³ matmul and a 3×3 convolution, float32 against the compute dtype), then <see cref="GanModel.Fit"/> of each
/// network; <c>--profile</c> adds the forward + backward time of every layer in both policies.
/// </summary>
internal sealed class MixedPrecisionBenchmark : BenchmarkCommand<MixedPrecisionBenchmark.Settings>
{
    /// <summary>The options of <c>mixed</c>.</summary>
    public sealed class Settings : BenchmarkSettings
    {
        [CommandOption("--networks <LIST>")]
        [Description("Comma-separated: dcgan28 (the 28×28 DCGAN), dcgan64 (the 64×64 colour DCGAN), article-mlp (the mlp preset).")]
        [DefaultValue("dcgan28,dcgan64,article-mlp")]
        public string Networks { get; init; } = "dcgan28,dcgan64,article-mlp";

        [CommandOption("--policy <NAME>")]
        [Description("The policy timed against float32: mixed_bfloat16 or mixed_float16.")]
        [DefaultValue("mixed_bfloat16")]
        public string Policy { get; init; } = "mixed_bfloat16";

        [CommandOption("--batch <N>")]
        [Description("Batch size for every network. Default: 64 for the DCGANs (gan train's default), 1024 for article-mlp.")]
        public int? Batch { get; init; }

        [CommandOption("--steps <N>")]
        [Description("Steps per round. Default: 30 for dcgan28, 6 for dcgan64, 30 for article-mlp.")]
        public int? Steps { get; init; }

        [CommandOption("--rounds <N>")]
        [Description("Timed rounds of each policy, interleaved; medians are reported.")]
        [DefaultValue(5)]
        public int Rounds { get; init; } = 5;

        [CommandOption("--profile")]
        [Description("Also time each layer's forward and backward in both policies.")]
        public bool Profile { get; init; }

        [CommandOption("--no-kernels")]
        [Description("Skip the matmul and convolution check.")]
        public bool NoKernels { get; init; }
    }

    protected override void Run(Settings options)
    {
        var policy = DtypePolicy.FromName(options.Policy);
        if (!policy.IsMixed) throw new ArgumentException($"--policy must be a mixed policy (mixed_bfloat16, mixed_float16), not '{options.Policy}'.", nameof(options));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"float32 against {policy.Name}; load average at start: {LoadAverage()}"));
        if (!options.NoKernels) Kernels(policy.ComputeDtype);
        foreach (var network in options.Networks.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Network(network, policy, options);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"load average at end: {LoadAverage()}"));
    }

    /// <summary>GFLOP/s of the 2048³ matmul and of a 3×3 convolution 64→128 on 14×14 maps (batch 64), float32 against <paramref name="low"/>, interleaved.</summary>
    private static void Kernels(torch.ScalarType low)
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.randn(2048, 2048);
        var b = torch.randn(2048, 2048);
        var x = torch.randn(64, 64, 14, 14);
        var w = torch.randn(128, 64, 3, 3);
        double matmulFlops = 2.0 * 2048 * 2048 * 2048, convFlops = 2.0 * 64 * 128 * 14 * 14 * 64 * 9;
        var h = torch.randn(64, 64, 7, 7);
        var wt = torch.randn(64, 32, 4, 4);
        var bnInput = torch.randn(64, 32, 14, 14);
        var gamma = torch.ones(32);
        var beta = torch.zeros(32);
        double transposeFlops = 2.0 * 64 * 64 * 7 * 7 * 32 * 16;
        var rows = new (string Name, Func<torch.ScalarType, Action> Make, double Flops)[]
        {
            ("conv transpose 4x4/2 64->32, 7x7 (DCGAN), batch 64", dtype => { var (p, q) = (h.to(dtype), wt.to(dtype)); return () => torch.nn.functional.conv_transpose2d(p, q, strides: new long[] { 2, 2 }).Dispose(); }, transposeFlops),
            ("  same, channels-last input", dtype => { var (p, q) = (ChannelsLast(h.to(dtype)), wt.to(dtype)); return () => torch.nn.functional.conv_transpose2d(p, q, strides: new long[] { 2, 2 }).Dispose(); }, transposeFlops),
            ("batch_norm fwd+bwd, 64x32x14x14, fused kernel (M elements/s)", dtype => BatchNormStep(bnInput.to(dtype), gamma, beta, fused: true), bnInput.numel() * 1000.0),
            ("batch_norm fwd+bwd, 64x32x14x14, elementwise ops (M elements/s)", dtype => BatchNormStep(bnInput.to(dtype), gamma, beta, fused: false), bnInput.numel() * 1000.0),
            ("matmul 2048x2048x2048", dtype => { var (p, q) = (a.to(dtype), b.to(dtype)); return () => p.matmul(q).Dispose(); }, matmulFlops),
            ("conv 3x3 64->128, 14x14, batch 64", dtype => { var (p, q) = (x.to(dtype), w.to(dtype)); return () => torch.nn.functional.conv2d(p, q, padding: new long[] { 1, 1 }).Dispose(); }, convFlops),
        };
        foreach (var (name, make, flops) in rows)
        {
            var full = make(torch.float32);
            var half = make(low);
            full();
            half();
            var fullRates = new List<double>();
            var halfRates = new List<double>();
            for (int round = 0; round < 3; round++)
            {
                fullRates.Add(flops / Seconds(full, 0.7) / 1e9);
                halfRates.Add(flops / Seconds(half, 0.7) / 1e9);
            }
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {name}: float32 {Median(fullRates),7:F1} GFLOP/s, {low.ToString().ToLowerInvariant()} {Median(halfRates),7:F1} GFLOP/s ({Median(halfRates) / Median(fullRates):F2}x)"));
        }
    }

    /// <summary>One training-mode batch normalisation forward and backward: libtorch's fused kernel, or the graph of elementwise operations Gan.Keras used before (in float32 for 16-bit inputs).</summary>
    private static Action BatchNormStep(torch.Tensor input, torch.Tensor gamma, torch.Tensor beta, bool fused) => () =>
    {
        using var scope = torch.NewDisposeScope();
        var x = input.detach().requires_grad_(true);
        var g = gamma.detach().requires_grad_(true);
        torch.Tensor y;
        if (fused)
        {
            y = torch.nn.functional.batch_norm(x, null, null, g, beta, training: true);
        }
        else
        {
            var x32 = x.to(torch.float32);
            var mean = x32.mean(new long[] { 0, 2, 3 }, keepdim: true);
            var variance = (x32 - mean).square().mean(new long[] { 0, 2, 3 }, keepdim: true);
            y = ((x32 - mean) * (variance + 1e-3).rsqrt() * g.reshape(1, -1, 1, 1) + beta.reshape(1, -1, 1, 1)).to(x.dtype);
        }
        y.to(torch.float32).sum().backward();
    };

    /// <summary>The same values with NHWC strides (channels-last memory format; TorchSharp 0.107 has no memory_format argument).</summary>
    private static torch.Tensor ChannelsLast(torch.Tensor nchw) => nchw.permute(0, 2, 3, 1).contiguous().permute(0, 3, 1, 2);

    private static void Network(string network, DtypePolicy policy, Settings options)
    {
        var (preset, shape, defaultBatch, defaultSteps) = network switch
        {
            "dcgan28" => ("dcgan", new long[] { 1, 28, 28 }, 64, 30),
            "dcgan64" => ("dcgan", new long[] { 3, 64, 64 }, 64, 6),
            "article-mlp" => ("mlp", new long[] { 784 }, 1024, 30),
            "none" => ("", Array.Empty<long>(), 0, 0),
            _ => throw new ArgumentException($"Unknown network '{network}'. Use dcgan28, dcgan64 or article-mlp.", nameof(network)),
        };
        if (network == "none") return;
        int batch = options.Batch ?? defaultBatch;
        int steps = options.Steps ?? defaultSteps;
        using var data = new InMemoryDataset(torch.rand(new long[] { (long)steps * batch }.Concat(shape).ToArray()) * 2 - 1, name: "uniform");
        using var full = Create(preset, shape, DtypePolicy.Float32);
        using var mixed = Create(preset, shape, policy);
        full.Fit(data, epochs: 1, batchSize: batch);
        mixed.Fit(data, epochs: 1, batchSize: batch);

        var fullRates = new List<double>();
        var mixedRates = new List<double>();
        var ratios = new List<double>();
        for (int round = 0; round < options.Rounds; round++)
        {
            // Alternate which goes first, so a load change within a round does not favour one side.
            double f, m;
            if (round % 2 == 0)
            {
                f = Rate(full, data, steps, batch);
                m = Rate(mixed, data, steps, batch);
            }
            else
            {
                m = Rate(mixed, data, steps, batch);
                f = Rate(full, data, steps, batch);
            }
            fullRates.Add(f);
            mixedRates.Add(m);
            ratios.Add(m / f);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{network} (preset {preset}, sample [{string.Join(", ", shape)}]), batch {batch}, {torch.get_num_threads()} thread(s), {options.Rounds} rounds of {steps} steps each:"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  float32       : {Median(fullRates),9:F0} samples/s  rounds: {string.Join(", ", fullRates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {policy.Name,-14}: {Median(mixedRates),9:F0} samples/s  rounds: {string.Join(", ", mixedRates.Select(r => r.ToString("F0", CultureInfo.InvariantCulture)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  speed-up: median of the per-round ratios {Median(ratios):F2}x (range {ratios.Min():F2}-{ratios.Max():F2}); d_loss after the rounds: float32 {LastLoss(full, data, batch):F3}, {policy.Name} {LastLoss(mixed, data, batch):F3}"));
        if (options.Profile)
        {
            Profile(full.Generator, mixed.Generator, new long[] { full.LatentDim }, batch, policy);
            Profile(full.Discriminator, mixed.Discriminator, shape, batch, policy);
        }
    }

    private static GanModel Create(string preset, long[] shape, DtypePolicy policy)
    {
        GanModel gan;
        using (DtypePolicy.UseGlobal(policy)) gan = ModelPresets.Create(preset, shape, seed: 1);
        gan.Compile(new Adam(2e-4, 0.5), new Adam(2e-4, 0.5), new NonSaturatingLoss());
        return gan;
    }

    private static double Rate(GanModel gan, Dataset data, int steps, int batch)
    {
        var clock = Stopwatch.StartNew();
        gan.Fit(data, epochs: 1, batchSize: batch);
        return (double)steps * batch / clock.Elapsed.TotalSeconds;
    }

    private static double LastLoss(GanModel gan, Dataset data, int batch)
    {
        using var scope = torch.NewDisposeScope();
        var first = data.GetBatches(batch, shuffle: false).First();
        return gan.TrainStep(first)["d_loss"].item<float>();
    }

    /// <summary>Forward (training mode) and backward time of each layer of a model in float32 and in the mixed policy, on the activations the model gives it.</summary>
    private static void Profile(Model full, Model mixed, IReadOnlyList<long> inputShape, int batch, DtypePolicy policy)
    {
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {full.Name}: per layer, forward + backward, ms (float32 / {policy.Name} / ratio)"));
        using var scope = torch.NewDisposeScope();
        var x32 = torch.randn(new long[] { batch }.Concat(inputShape).ToArray());
        var xLow = x32;
        var fullLayers = full.Layers;
        var mixedLayers = mixed.Layers;
        double total32 = 0, totalLow = 0;
        for (int i = 0; i < fullLayers.Count; i++)
        {
            var (ms32, next32) = TimeLayer(fullLayers[i], x32);
            var (msLow, nextLow) = TimeLayer(mixedLayers[i], xLow);
            total32 += ms32;
            totalLow += msLow;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"    {fullLayers[i].Name,-26} {string.Join('x', next32.shape.Skip(1)),-12} {ms32,8:F2} {msLow,8:F2} {ms32 / msLow,6:F2}x"));
            (x32, xLow) = (next32, nextLow);
        }
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"    {"total",-26} {"",-12} {total32,8:F2} {totalLow,8:F2} {total32 / totalLow,6:F2}x"));
    }

    private static (double Milliseconds, torch.Tensor Output) TimeLayer(Layer layer, torch.Tensor input)
    {
        torch.Tensor output;
        using (torch.no_grad()) output = layer.Call(input, training: true).detach();
        void Once()
        {
            using var scope = torch.NewDisposeScope();
            var x = input.detach().requires_grad_(input.is_floating_point());
            var y = layer.Call(x, training: true);
            var loss = y.to(torch.float32).sum();
            if (loss.requires_grad) loss.backward();
        }
        Once();
        double seconds = Seconds(Once, 0.3);
        foreach (var p in layer.parameters()) p.grad?.Dispose();
        return (seconds * 1000, output);
    }

    /// <summary>Seconds per call of <paramref name="action"/>, repeated for at least <paramref name="budget"/> seconds.</summary>
    private static double Seconds(Action action, double budget)
    {
        var clock = Stopwatch.StartNew();
        int repeats = 0;
        do
        {
            action();
            repeats++;
        }
        while (clock.Elapsed.TotalSeconds < budget);
        return clock.Elapsed.TotalSeconds / repeats;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
