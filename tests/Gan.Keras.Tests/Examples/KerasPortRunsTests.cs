using System.Globalization;
using System.Text.RegularExpressions;
using Gan.Keras.Examples.KerasPorts;
using Gan.Keras.Examples.KerasPorts.KerasGan;
using Gan.Keras.Examples.KerasPorts.KerasIo;
using Gan.Keras.Models;
using Gan.Keras.Tests.Cli;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Examples;

/// <summary>
/// The runs the ports write with --out open in the gan CLI without the code that built them: the GAN file round-trips
/// through GanModel.Save and Load, gan sample draws a grid from it, gan serve serves its samples, and gan export writes
/// an ONNX generator that ONNX Runtime runs fed every one of its inputs (issue 20: every port whose networks make a
/// GanModel; BiGAN's and CycleGAN's networks round-trip as Model files, KerasGanPortsTests and KerasIoPortsTests).
/// </summary>
public sealed partial class KerasPortRunsTests
{
    public static TheoryData<string, string> Ports => new()
    {
        { "wgan_gp", "gan.keras" },
        { "conditional_gan", "gan.keras" },
        { "dcgan_keras_io", "gan.keras" },
        { "acgan", "gan.keras" },
        { "cgan", "gan.keras" },
        { "infogan", "gan.keras" },
        { "sgan", "gan.keras" },
        { "cogan", "gan2.keras" },
        { "dcgan", "gan.keras" },
        { "lsgan", "gan.keras" },
    };

    [Theory]
    [MemberData(nameof(Ports))]
    public async Task PortRun_RoundTrips_AndIsSampledServedAndExportedByGan(string name, string fileName)
    {
        // Given one training step of the port written to a folder
        string folder = TestPaths.NewTempFolder();
        RunOneStep(name, folder);
        string file = Path.Combine(folder, fileName);

        // When the GAN file is loaded and saved again, then sampled, served and exported by the gan CLI
        string again = Path.Combine(folder, "again.keras");
        IReadOnlyList<long> sampleShape;
        (double Low, double High) range;
        using (var loaded = GanModel.Load(file))
        {
            loaded.Save(again);
            using var reloaded = GanModel.Load(again);
            using var first = loaded.Generate(2, seed: 1);
            using var second = reloaded.Generate(2, seed: 1);
            // Then the round trip keeps the type, the weights and so the samples, bit for bit
            Assert.Equal(loaded.GetType(), reloaded.GetType());
            Assert.True(first.eq(second).all().item<bool>(), "a GAN saved again after loading generates other samples");
            (sampleShape, range) = (loaded.Generator.OutputShapes![0], loaded.OutputRange);
        }
        File.Delete(again);
        var sample = CliRunner.Run("sample", "--checkpoint", file, "--out", Path.Combine(folder, "grid.png"), "--n", "4");
        string onnx = Path.Combine(folder, "generator.onnx");
        var export = CliRunner.Run("export", "--checkpoint", file, "--onnx", onnx);

        // And the CLI samples, exports, and serves a PNG, though this process alone registered a port's GanModel subclass
        Assert.True(sample.ExitCode == 0, sample.Error);
        Assert.True(File.Exists(Path.Combine(folder, "grid.png")));
        Assert.True(export.ExitCode == 0, export.Error);
        await AssertServesSamples(file);

        // And ONNX Runtime runs the generator fed every input it declares, giving samples of the generator's shape and range
        using var session = new InferenceSession(onnx);
        var inputs = session.InputMetadata.Select(kv => Feed(kv.Key, kv.Value)).ToList();
        using var results = session.Run(inputs);
        var image = results[0].AsTensor<float>();
        Assert.Equal(new[] { 3 }.Concat(sampleShape.Select(d => (int)d)), image.Dimensions.ToArray());
        Assert.All(image.ToArray(), value => Assert.True(value >= range.Low && value <= range.High, $"{value} is outside {range}"));
    }

    private static void RunOneStep(string name, string folder)
    {
        KerasPort port = name switch
        {
            "wgan_gp" => new WganGp { BatchSize = 4, Limit = 8 },
            "conditional_gan" => new ConditionalGan { BatchSize = 4, Limit = 12 },
            "dcgan_keras_io" => new DcganKerasIo { BatchSize = 1, Count = 3, NumImg = 1 },
            _ => typeof(KerasPort).Assembly.GetTypes()
                .Where(t => t.IsSubclassOf(typeof(KerasPort)) && !t.IsAbstract)
                .Select(t => (KerasPort)Activator.CreateInstance(t)!)
                .Single(p => p.Name == name),
        };
        var previous = Console.Out;
        using var quiet = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(quiet);
        try
        {
            RandomSeed.Set(0);
            port.Run(new PortSettings { Steps = 1, Out = folder, Seed = 0 });
        }
        finally
        {
            Console.SetOut(previous);
        }
    }

    /// <summary>Starts <c>gan serve</c> on the file and asks it for a PNG grid of four samples.</summary>
    private static async Task AssertServesSamples(string file)
    {
        using var process = CliRunner.Start(new[] { "serve", "--checkpoint", file, "--port", "0" });
        try
        {
            Match match;
            do
            {
                string? line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
                if (line is null) Assert.Fail("gan serve exited: " + await process.StandardError.ReadToEndAsync());
                match = OpenLine().Match(line!);
            }
            while (!match.Success);
            using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(60) };
            using var png = await http.GetAsync(new Uri("api/samples?seed=1&n=4", UriKind.Relative));
            Assert.True(png.IsSuccessStatusCode, await png.Content.ReadAsStringAsync());
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    /// <summary>Three examples for one ONNX input: normal floats (one-hot rows for a code of categories), class 0 labels.</summary>
    private static NamedOnnxValue Feed(string name, NodeMetadata metadata)
    {
        var dims = metadata.Dimensions.Select(d => d < 0 ? 3 : d).ToArray();
        if (metadata.ElementType == typeof(long)) return NamedOnnxValue.CreateFromTensor(name, new DenseTensor<long>(dims));
        var random = new Random(5);
        var values = new DenseTensor<float>(dims);
        for (int i = 0; i < values.Length; i++) values.SetValue(i, name == "code" ? (i % dims[^1] == 0 ? 1f : 0f) : (float)(random.NextDouble() * 2 - 1));
        return NamedOnnxValue.CreateFromTensor(name, values);
    }

    [GeneratedRegex(@"^Open (http://[^ ]+/) ")]
    private static partial Regex OpenLine();
}
