using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Export.Onnx;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Spectre.Console.Cli;
using TorchSharp;

namespace Gan.Keras.Benchmarks;

/// <summary>
/// Inference latency per image of every <c>gan train</c> preset (<see cref="ModelPresets"/>) on the CPU: Gan.Keras (<see cref="GanModel.GenerateFrom"/>,
/// libtorch) against ONNX Runtime running the same generator exported by <see cref="OnnxExporter"/>, in one process,
/// interleaved round by round so the shared machine's load falls on both alike. Each side gets the same latent vectors
/// (and labels) and returns a float32 array on the CPU; the setup (export, session) is not timed. Batch 1 is the latency
/// of one image; batch 64 is the time per image when 64 are generated at once.
/// </summary>
internal sealed class OnnxLatencyBenchmark : BenchmarkCommand<OnnxLatencyBenchmark.Settings>
{
    /// <summary>The options of <c>onnx</c>.</summary>
    public sealed class Settings : BenchmarkSettings
    {
        [CommandOption("--batches <LIST>")]
        [Description("Batch sizes, comma-separated.")]
        [DefaultValue("1,64")]
        public string Batches { get; init; } = "1,64";

        [CommandOption("--rounds <N>")]
        [Description("Timed rounds of each side, interleaved; the median is reported.")]
        [DefaultValue(5)]
        public int Rounds { get; init; } = 5;

        [CommandOption("--seconds <S>")]
        [Description("Seconds each side is timed for in a round.")]
        [DefaultValue(0.4)]
        public double Seconds { get; init; } = 0.4;
    }

    private static readonly (string Model, long[] Shape)[] Presets =
    {
        ("mlp-small", new long[] { 2 }),
        ("mlp", new long[] { 784 }),
        ("dcgan", new long[] { 1, 28, 28 }),
        ("conditional", new long[] { 1, 28, 28 }),
        ("dcgan", new long[] { 3, 32, 32 }),
        ("dcgan", new long[] { 3, 64, 64 }),
    };

    protected override void Run(Settings options)
    {
        int rounds = options.Rounds;
        double seconds = options.Seconds;
        var batches = options.Batches.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).Select(b => int.Parse(b, CultureInfo.InvariantCulture)).ToArray();
        int threads = torch.get_num_threads();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{threads} thread(s) for libtorch and ONNX Runtime {typeof(InferenceSession).Assembly.GetName().Version}; {rounds} interleaved rounds of about {seconds:F1} s per side; median per image"));
        Console.WriteLine();
        Console.WriteLine("| preset | sample | batch | Gan.Keras (libtorch) | ONNX Runtime | ratio | max \\|Δ\\| | ONNX file |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (var (model, shape) in Presets)
        {
            RandomSeed.Set(1);
            using var gan = ModelPresets.Create(model, shape, seed: 1);
            byte[] onnx = OnnxExporter.ExportGeneratorToBytes(gan);
            using var sessionOptions = new SessionOptions { IntraOpNumThreads = threads, InterOpNumThreads = 1 };
            using var session = new InferenceSession(onnx, sessionOptions);
            foreach (int batch in batches)
            {
                using var scope = torch.NewDisposeScope();
                var z = torch.randn(new long[] { batch, gan.LatentDim }, generator: new torch.Generator(2));
                var labels = gan.NumClasses > 0 ? torch.arange(batch, torch.int64) % gan.NumClasses : null;
                float[] latent = z.data<float>().ToArray();
                long[]? classes = labels?.data<long>().ToArray();

                float[] Torch()
                {
                    using var inner = torch.NewDisposeScope();
                    var samples = gan.GenerateFrom(z, labels);
                    return samples.data<float>().ToArray();
                }

                float[] Onnx()
                {
                    var inputs = new List<NamedOnnxValue> { NamedOnnxValue.CreateFromTensor(OnnxExporter.LatentInput, new DenseTensor<float>(latent, new[] { batch, gan.LatentDim })) };
                    if (classes is not null) inputs.Add(NamedOnnxValue.CreateFromTensor(OnnxExporter.LabelsInput, new DenseTensor<long>(classes, new[] { batch })));
                    using var outputs = session.Run(inputs);
                    return ((DenseTensor<float>)outputs.Single().AsTensor<float>()).Buffer.ToArray();
                }

                float[] a = Torch(), b = Onnx();
                double delta = a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
                var torchTimes = new List<double>();
                var onnxTimes = new List<double>();
                for (int round = 0; round < rounds; round++)
                {
                    torchTimes.Add(PerImage(Torch, batch, seconds));
                    onnxTimes.Add(PerImage(Onnx, batch, seconds));
                }
                double t = Median(torchTimes), o = Median(onnxTimes);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {model} | {string.Join("×", shape)} | {batch} | {Format(t)} | {Format(o)} | {t / o:F2}× | {delta:E1} | {onnx.Length / 1e6:F2} MB |"));
            }
        }
    }

    /// <summary>Milliseconds per image: calls <paramref name="generate"/> for about <paramref name="seconds"/> (at least 3 times) after one warm-up call.</summary>
    private static double PerImage(Func<float[]> generate, int batch, double seconds)
    {
        generate();
        int calls = 0;
        var clock = Stopwatch.StartNew();
        while (calls < 3 || clock.Elapsed.TotalSeconds < seconds)
        {
            generate();
            calls++;
        }
        return clock.Elapsed.TotalMilliseconds / calls / batch;
    }

    private static string Format(double milliseconds) => milliseconds switch
    {
        >= 1 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds:F2} ms"),
        >= 0.01 => string.Create(CultureInfo.InvariantCulture, $"{milliseconds * 1000:F0} µs"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{milliseconds * 1000:F2} µs"),
    };

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }
}
