using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Gan.Keras.Optimizers;
using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.MpiHost;

/// <summary>
/// Trains GANs for a fixed number of steps, either data-parallel on every rank of an mpirun launch or in one plain
/// process (<c>--single</c>, no MPI), and writes rank 0's weights and a JSON summary (epoch means, timings), so that a
/// test can compare N ranks with per-rank batch B against one process with batch N·B.
/// </summary>
internal static class TrainingCheck
{
    /// <summary>
    /// Trains each run of <c>--runs MODEL:LOSS:CRITIC_STEPS:STEPS[:STOP_AFTER],...</c> in turn (one launch for several
    /// comparisons), writing <c>{--out}.{i}.safetensors</c> and its <c>.json</c> summary from rank 0. With STOP_AFTER, a
    /// callback (on rank 0 only, as callbacks that do not change training are) stops training after that many steps.
    /// </summary>
    public static int Run(IReadOnlyDictionary<string, string> options, bool single)
    {
        int batch = Int(options, "batch", 32);
        int epochs = Int(options, "epochs", 1);
        int warmup = Int(options, "warmup", 0);
        string prefix = options["out"];
        using var strategy = single ? null : DataParallel.Launch(torch.CPU);
        var runs = options.GetValueOrDefault("runs", "mlp:non-saturating:1:20").Split(',');
        for (int i = 0; i < runs.Length; i++)
        {
            var parts = runs[i].Split(':');
            int? stopAfter = parts.Length > 4 ? int.Parse(parts[4], CultureInfo.InvariantCulture) : null;
            Train(strategy, parts[0], parts[1], int.Parse(parts[2], CultureInfo.InvariantCulture), int.Parse(parts[3], CultureInfo.InvariantCulture),
                batch, epochs, warmup, stopAfter, options.GetValueOrDefault("mnist"), string.Create(CultureInfo.InvariantCulture, $"{prefix}.{i}.safetensors"));
        }
        return 0;
    }

    private static void Train(DataParallel? strategy, string model, string loss, int critic, int steps, int batch, int epochs, int warmup, int? stopAfter, string? mnist, string outPath)
    {
        int ranks = strategy?.Size ?? 1;
        // Weights differ per rank on purpose (seed + rank): the broadcast of rank 0's state must make them equal.
        RandomSeed.Set(7 + (strategy?.Rank ?? 0));
        using var data = Data(model, mnist, checked(steps * ranks * batch * critic));
        using var gan = Create(model, loss, seed: 11);
        gan.DiscriminatorSteps = critic;
        strategy?.DiscriminatorGradients.Reset();
        strategy?.GeneratorGradients.Reset();
        var timer = new StepTimer(warmup);
        var callbacks = new List<Callback> { timer };
        if (stopAfter is int stop) callbacks.Add(new LambdaCallback(onBatchEnd: (b, _) => { if (b + 1 == stop) timer.Context!.StopTraining = true; }));
        var history = gan.Fit(data, epochs, batch, callbacks, distributed: strategy, verbose: Gan.Keras.Training.FitVerbosity.Silent);

        if (strategy is { IsPrimary: false }) return;
        gan.SaveWeights(outPath);
        double communication = (strategy?.DiscriminatorGradients.CommunicationTime + strategy?.GeneratorGradients.CommunicationTime)?.TotalSeconds ?? 0.0;
        var summary = new Dictionary<string, object>
        {
            ["model"] = model,
            ["loss"] = loss,
            ["ranks"] = ranks,
            ["batch"] = batch,
            ["steps"] = timer.Steps,
            ["timed_steps"] = timer.TimedSteps,
            ["seconds"] = timer.Seconds,
            ["samples_per_second"] = timer.TimedSteps * (double)batch * critic * ranks / timer.Seconds,
            ["d_loss"] = history["d_loss"],
            ["g_loss"] = history["g_loss"],
            ["cpu_seconds"] = timer.CpuSeconds,
            ["communication_seconds"] = communication,
            ["communication_seconds_per_step"] = communication / Math.Max(1, timer.Steps),
            ["reductions"] = (strategy?.DiscriminatorGradients.Reductions + strategy?.GeneratorGradients.Reductions) ?? 0,
            ["parameters"] = gan.Generator.TrainableVariables.Sum(v => v.numel()) + gan.Discriminator.TrainableVariables.Sum(v => v.numel()),
        };
        File.WriteAllText(outPath + ".json", JsonSerializer.Serialize(summary));
        Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"trained {model} {loss}: {ranks} rank(s) × batch {batch}, {timer.Steps} steps, {summary["samples_per_second"]:F1} samples/s, communication {communication:F2} s (all {timer.Steps} steps), {timer.TimedSteps} timed steps {timer.Seconds:F2} s wall / {timer.CpuSeconds:F2} s CPU, d_loss {history["d_loss"][^1]:F6}"));
    }

    /// <summary>A preset as <c>gan train --model</c> builds it (the article's MLP, the 28×28 DCGAN with batch normalisation in its generator only), compiled with Adam(2e-4, β₁ 0.5).</summary>
    public static GanModel Create(string model, string loss, long seed)
    {
        var gan = ModelPresets.Create(model, model == "dcgan" ? new long[] { 1, 28, 28 } : new long[] { 784 }, seed);
        gan.Compile(new Adam(2e-4, 0.5, 0.999), new Adam(2e-4, 0.5, 0.999), GanLosses.FromName(loss));
        return gan;
    }

    private static InMemoryDataset Data(string model, string? mnist, int count)
    {
        bool flat = model == "mlp";
        if (mnist is not null) return Mnist.Load(mnist, flatten: flat, limit: count);
        // No files: a seeded stand-in of the same shape, in [-1, 1].
        using var generator = new torch.Generator(5, torch.CPU);
        using var features = torch.rand(flat ? new long[] { count, 784 } : new long[] { count, 1, 28, 28 }, generator: generator) * 2 - 1;
        return new InMemoryDataset(features, name: "uniform");
    }

    private static int Int(IReadOnlyDictionary<string, string> options, string key, int fallback) =>
        options.TryGetValue(key, out var value) ? int.Parse(value, CultureInfo.InvariantCulture) : fallback;

    /// <summary>Counts steps and times those after the first <c>warmup</c> (the first steps allocate and fill caches).</summary>
    /// <remarks>Also the process's CPU time over the timed steps: on a shared machine the wall clock includes waiting for a core.</remarks>
    private sealed class StepTimer(int warmup) : Callback
    {
        private readonly Stopwatch clock = new();
        private TimeSpan cpuAtStart;

        public int Steps { get; private set; }

        public int TimedSteps => Math.Max(0, Steps - warmup);

        public double Seconds => clock.Elapsed.TotalSeconds;

        public double CpuSeconds { get; private set; }

        public override void OnBatchBegin(int batch)
        {
            if (Steps != warmup) return;
            cpuAtStart = Process.GetCurrentProcess().TotalProcessorTime;
            clock.Start();
        }

        public override void OnBatchEnd(int batch, BatchLogs logs) => Steps++;

        public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
        {
            clock.Stop();
            CpuSeconds = (Process.GetCurrentProcess().TotalProcessorTime - cpuAtStart).TotalSeconds;
        }
    }
}
