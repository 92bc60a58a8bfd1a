using System.ComponentModel;
using System.Globalization;
using System.Text;
using Gan.Keras.Export;
using Spectre.Console.Cli;

namespace Gan.Keras.Benchmarks;

/// <summary><c>mixtures</c>: runs every (mixture, loss) pair over several seeds and prints / writes the mean ± std table.</summary>
internal sealed class MixtureTable : BenchmarkCommand<MixtureTable.Settings>
{
    /// <summary>The options of <c>mixtures</c>; a budget or architecture option left out keeps <see cref="MixtureConfig.Default"/>'s value.</summary>
    public sealed class Settings : BenchmarkSettings
    {
        [CommandOption("--datasets <LIST>")]
        [Description("Mixtures, comma-separated: ring8, grid25.")]
        [DefaultValue("ring8,grid25")]
        public string Datasets { get; init; } = "ring8,grid25";

        [CommandOption("--losses <LIST>")]
        [Description("GAN losses by name, comma-separated. Default: every loss of the toolkit.")]
        public string? Losses { get; init; }

        [CommandOption("--seeds <LIST>")]
        [Description("Seeds, comma-separated; one run each.")]
        [DefaultValue("0,1,2")]
        public string Seeds { get; init; } = "0,1,2";

        [CommandOption("--steps <N>")]
        [Description("Generator steps per run. Default: 5000.")]
        public int? Steps { get; init; }

        [CommandOption("--batch <N>")]
        [Description("Batch size. Default: 256.")]
        public int? Batch { get; init; }

        [CommandOption("--latent <N>")]
        [Description("Latent size. Default: 16.")]
        public int? Latent { get; init; }

        [CommandOption("--hidden <N>")]
        [Description("Units of each hidden layer. Default: 128.")]
        public int? Hidden { get; init; }

        [CommandOption("--layers <N>")]
        [Description("Hidden layers of each network. Default: 2.")]
        public int? Layers { get; init; }

        [CommandOption("--lr <X>")]
        [Description("Adam's learning rate. Default: 0.001.")]
        public double? LearningRate { get; init; }

        [CommandOption("--beta1 <X>")]
        [Description("Adam's β₁. Default: 0.5.")]
        public double? Beta1 { get; init; }

        [CommandOption("--beta2 <X>")]
        [Description("Adam's β₂. Default: 0.999.")]
        public double? Beta2 { get; init; }

        [CommandOption("--pack <M>")]
        [Description("PacGAN: the discriminator sees M samples at once (Lin et al. 2018). Default: 1.")]
        public int? Pack { get; init; }

        [CommandOption("--decay-to <X>")]
        [Description("Decay the learning rate linearly to this fraction of itself over the run. Default: 1 (constant).")]
        public double? DecayTo { get; init; }

        [CommandOption("--critic-steps <N>")]
        [Description("Discriminator updates per generator update. Default: 1.")]
        public int? CriticSteps { get; init; }

        [CommandOption("--eval-every <N>")]
        [Description("Print the metrics every N steps while training (0: only at the end).")]
        [DefaultValue(0)]
        public int EvalEvery { get; init; }

        [CommandOption("--out <FILE>")]
        [Description("Also write the table (Markdown) to this file.")]
        public string? Out { get; init; }
    }

    protected override void Run(Settings options)
    {
        var datasets = List(options.Datasets);
        var losses = List(options.Losses ?? string.Join(",", LossRegistry.Names));
        var seeds = List(options.Seeds).Select(s => long.Parse(s, CultureInfo.InvariantCulture)).ToArray();
        var rows = new List<(MixtureConfig Config, string Loss, IReadOnlyList<MixtureRun> Runs)>();
        foreach (var dataset in datasets)
        {
            var config = Configure(MixtureConfig.Default(dataset), options);
            Console.WriteLine($"{dataset}: {config}");
            foreach (var loss in losses)
            {
                var runs = seeds.Select(seed => MixtureBenchmark.Run(config, loss, seed, Console.WriteLine, options.EvalEvery)).ToList();
                rows.Add((config, loss, runs));
            }
        }
        string table = Format(rows);
        Console.WriteLine();
        Console.WriteLine(table);
        if (options.Out is { } path) AtomicFile.WriteAllText(path, table);
    }

    private static string[] List(string values) => values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static MixtureConfig Configure(MixtureConfig config, Settings options) => config with
    {
        Steps = options.Steps ?? config.Steps,
        BatchSize = options.Batch ?? config.BatchSize,
        LatentDim = options.Latent ?? config.LatentDim,
        Hidden = options.Hidden ?? config.Hidden,
        Layers = options.Layers ?? config.Layers,
        LearningRate = options.LearningRate ?? config.LearningRate,
        Beta1 = options.Beta1 ?? config.Beta1,
        Beta2 = options.Beta2 ?? config.Beta2,
        Pack = options.Pack ?? config.Pack,
        DecayTo = options.DecayTo ?? config.DecayTo,
        CriticSteps = options.CriticSteps ?? config.CriticSteps,
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
