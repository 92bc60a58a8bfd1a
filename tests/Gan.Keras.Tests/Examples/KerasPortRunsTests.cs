using System.Globalization;
using Gan.Keras.Examples.KerasPorts;
using Gan.Keras.Examples.KerasPorts.KerasGan;
using Gan.Keras.Examples.KerasPorts.KerasIo;
using Gan.Keras.Models;
using Gan.Keras.Tests.Cli;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;

namespace Gan.Keras.Tests.Examples;

/// <summary>
/// The runs the ports write with --out open in the gan CLI without the code that built them: the GAN file round-trips
/// through GanModel.Load, gan sample draws a grid from it, gan export writes an ONNX generator that ONNX Runtime runs
/// fed every one of its inputs (issue 20's bar: wgan_gp, acgan, infogan).
/// </summary>
public sealed class KerasPortRunsTests
{
    public static TheoryData<string> Ports => new() { "wgan_gp", "acgan", "infogan" };

    [Theory]
    [MemberData(nameof(Ports))]
    public void PortRun_IsSampledAndExportedByGan_AndOnnxRuntimeRunsTheExport(string name)
    {
        // Given one training step of the port written to a folder
        string folder = TestPaths.NewTempFolder();
        KerasPort port = name switch
        {
            "wgan_gp" => new WganGp { BatchSize = 4, Limit = 8 },
            "acgan" => new Acgan(),
            _ => new Infogan(),
        };
        var previous = Console.Out;
        using (var quiet = new StringWriter(CultureInfo.InvariantCulture))
        {
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
        string file = Path.Combine(folder, "gan.keras");

        // When the GAN file is loaded, sampled and exported
        using (var loaded = GanModel.Load(file))
        using (var samples = loaded.Generate(2, seed: 1))
            Assert.Equal(2, samples.shape[0]);
        var sample = CliRunner.Run("sample", "--checkpoint", folder, "--out", Path.Combine(folder, "grid.png"), "--n", "4");
        string onnx = Path.Combine(folder, "generator.onnx");
        var export = CliRunner.Run("export", "--checkpoint", file, "--onnx", onnx);

        // Then both succeed, and ONNX Runtime runs the generator fed every input it declares
        Assert.True(sample.ExitCode == 0, sample.Error);
        Assert.True(File.Exists(Path.Combine(folder, "grid.png")));
        Assert.True(export.ExitCode == 0, export.Error);
        using var session = new InferenceSession(onnx);
        var inputs = session.InputMetadata.Select(kv => Feed(kv.Key, kv.Value)).ToList();
        using var results = session.Run(inputs);
        var image = results[0].AsTensor<float>();
        Assert.Equal(3, image.Dimensions[0]);
        Assert.Equal(new[] { 3, 1, 28, 28 }, image.Dimensions.ToArray());
        Assert.All(image.ToArray(), value => Assert.True(value >= -1 && value <= 1));
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
}
