using System.Globalization;
using System.Text;
using Gan.Keras.Export;

namespace Gan.Keras.Benchmarks;

/// <summary>Runs every (mixture, loss) pair over several seeds and prints / writes the mean ± std table.</summary>
internal static class MixtureTable
{
    public static void Run(BenchmarkOptions options)
    {
        var datasets = options.List("datasets", "ring8,grid25");
        var losses = options.List("losses", string.Join(",", LossRegistry.Names));
        var seeds = options.List("seeds", "0,1,2").Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rows = new List<(MixtureConfig Config, string Loss, IReadOnlyList<MixtureRun> Runs)>();
        foreach (var dataset in datasets)
        {
            var config = Configure(MixtureConfig.Default(dataset), options);
            Console.WriteLine($"{dataset}: {config}");
            foreach (var loss in losses)
            {
                var runs = seeds.Select(seed => MixtureBenchmark.Run(config, loss, seed, Console.WriteLine, options.Int("eval-every", 0))).ToList();
                rows.Add((config, loss, runs));
            }
        }
        string table = Format(rows);
        Console.WriteLine();
        Console.WriteLine(table);
        if (options.Out is { } path) AtomicFile.WriteAllText(path, table);
    }

    private static MixtureConfig Configure(MixtureConfig config, BenchmarkOptions options) => config with
    {
        Steps = options.Int("steps", config.Steps),
        BatchSize = options.Int("batch", config.BatchSize),
        LatentDim = options.Int("latent", config.LatentDim),
        Hidden = options.Int("hidden", config.Hidden),
        Layers = options.Int("layers", config.Layers),
        LearningRate = options.Double("lr", config.LearningRate),
        Beta1 = options.Double("beta1", config.Beta1),
        Beta2 = options.Double("beta2", config.Beta2),
        Pack = options.Int("pack", config.Pack),
        DecayTo = options.Double("decay-to", config.DecayTo),
        CriticSteps = options.Int("critic-steps", config.CriticSteps),
    };

    private static string Format(IEnumerable<(MixtureConfig Config, string Loss, IReadOnlyList<MixtureRun> Runs)> rows)
    {
        var text = new StringBuilder();
        text.AppendLine("| data | loss | budget | modes covered | high-quality samples | KL(modes ‖ uniform) | wall-clock per run | CPU time per run |");
        text.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var (config, loss, runs) in rows)
        {
            var modes = runs.Select(r => (double)r.Report.ModesCovered).ToArray();
            var quality = runs.Select(r => r.Report.HighQualityFraction * 100).ToArray();
            var kl = runs.Select(r => r.Report.ModeKl).ToArray();
            var seconds = runs.Select(r => r.Seconds).ToArray();
            var cpu = runs.Select(r => r.CpuSeconds).ToArray();
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {config.Dataset} | {loss}{(config.Pack > 1 ? $" + PacGAN{config.Pack}" : "")} | {config.Steps} steps × {config.BatchSize}{(config.DecayTo < 1 ? $", lr {config.LearningRate:G3}→{config.LearningRate * config.DecayTo:G3}" : $", lr {config.LearningRate:G3}")}{(config.CriticSteps > 1 ? $", {config.CriticSteps} critic steps" : "")} | {Mean(modes):F1} ± {Std(modes):F1} / {runs[0].Report.TotalModes} | {Mean(quality):F1} ± {Std(quality):F1} % | {Mean(kl):F3} ± {Std(kl):F3} | {Mean(seconds):F0} ± {Std(seconds):F0} s | {Mean(cpu):F0} ± {Std(cpu):F0} s |"));
        }
        return text.ToString();
    }

    private static double Mean(double[] values) => values.Average();

    // Sample standard deviation (n − 1), 0 for a single run.
    private static double Std(double[] values)
    {
        if (values.Length < 2) return 0;
        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Length - 1));
    }
}
