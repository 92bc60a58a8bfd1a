using System.Globalization;
using Gan.Keras.Examples.KerasPorts;
using Gan.Keras.Examples.KerasPorts.KerasGan;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Examples;

/// <summary>
/// The eight Keras-GAN ports (examples/KerasPorts/KerasGan) each train three steps in-process, print Keras's parameter
/// counts and write their sample grids. The expected counts are Keras's, recorded by tools/oracles/keras_gan_params.js
/// (TensorFlow.js layers 4.22, whose countParams() and trainable weights follow Keras's summary()).
/// </summary>
public sealed class KerasGanPortsTests
{
    public static TheoryData<string, string[]> Ports => new()
    {
        { "acgan", ["params discriminator 120075 119883", "params generator 857705 857065"] },
        { "cgan", ["params discriminator 935585 935585", "params generator 1494520 1490936"] },
        { "infogan", ["params discriminator 6694733 6692173", "params generator 6667201 6652481"] },
        { "bigan", ["params discriminator 3006465 3006465", "params generator 720656 718608", "params encoder 719972 717924"] },
        { "sgan", ["params discriminator 437772 437388", "params generator 856705 856065"] },
        { "cogan", ["params d1 533505 533505", "params d2 533505 533505", "params g1 1493520 1489936", "params g2 1493520 1489936"] },
        { "dcgan", ["params discriminator 392705 392321", "params generator 856705 856065"] },
        { "lsgan", ["params discriminator 533505 533505", "params generator 1493520 1489936"] },
    };

    [Theory]
    [MemberData(nameof(Ports))]
    public void Port_TrainsThreeSteps_PrintsKerasParameterCounts_AndWritesItsSampleGrids(string name, string[] expectedParams)
    {
        // Given the port and a fresh output folder
        var port = FindPort(name);
        string output = TestPaths.NewTempFolder();
        try
        {
            // When it runs three steps
            RandomSeed.Set(0);
            var lines = CaptureStandardOutput(() => port.Run(new PortSettings { Steps = 3, Out = output, Seed = 0 }));

            // Then it prints Keras's counts, one progress line per step with finite losses, the grids of steps 0 and 2, and
            // the weights of every network it printed, and the GAN files the gan CLI opens
            Assert.Equal(expectedParams, lines.Where(l => l.StartsWith("params ", StringComparison.Ordinal)));
            var progress = lines.Where(l => l.Contains(" [D", StringComparison.Ordinal)).ToArray();
            Assert.Equal(["0 [D", "1 [D", "2 [D"], progress.Select(l => l[..4]));
            Assert.All(progress, line => Assert.All(Numbers(line), value => Assert.True(double.IsFinite(value), line)));
            Assert.True(File.Exists(Path.Combine(output, "images", "0.png")));
            Assert.True(File.Exists(Path.Combine(output, "images", "2.png")));
            Assert.Equal(GanFiles(name), Directory.GetFiles(output, "*.keras").Select(Path.GetFileName).Order(StringComparer.Ordinal));
            // save_model: every network it printed, whole (architecture and weights), loading back with Keras's counts;
            // InfoGAN's discriminator, whose Q heads hold a Lambda, as its weights
            string[] weightsOnly = name == "infogan" ? ["discriminator"] : [];
            var networks = expectedParams.Select(line => line.Split(' ')[1]).Except(weightsOnly).Order(StringComparer.Ordinal);
            string savedModel = Path.Combine(output, "saved_model");
            Assert.Equal(networks, Directory.GetFiles(savedModel, "*.keras").Select(Path.GetFileNameWithoutExtension).Order(StringComparer.Ordinal));
            Assert.Equal(weightsOnly, Directory.GetFiles(savedModel, "*.weights.safetensors").Select(f => Path.GetFileName(f).Split('.')[0]));
            foreach (string line in expectedParams.Where(l => !weightsOnly.Contains(l.Split(' ')[1])))
            {
                string[] parts = line.Split(' ');
                using var loaded = Model.Load(Path.Combine(output, "saved_model", parts[1] + ".keras"));
                Assert.Equal(long.Parse(parts[2], CultureInfo.InvariantCulture), loaded.CountParams());
            }
        }
        finally
        {
            Directory.Delete(output, recursive: true);
        }
    }

    [Fact]
    public void InfoganGaussianLoss_IndexesTheBatch_AsTheOriginal()
    {
        // Given targets and predictions whose first two rows are what the original's gaussian_loss reads (y_pred[0] is the
        // mean, y_pred[1] the log σ, y_true[0] the target) and a third row it ignores
        using var yTrue = torch.tensor(new float[] { 0.5f, -0.5f, 9, 9, 9, 9 }).reshape(3, 2);
        using var yPred = torch.tensor(new float[] { 0.1f, 0.3f, 0.2f, -0.4f, 7, 7 }).reshape(3, 2);

        // When
        using var loss = new Infogan.GaussianLoss().Call(yTrue, yPred);

        // Then: mean(log σ + ½((y − μ) / (exp(log σ) + 1e-7))²) over the two code columns, computed by hand
        Assert.Equal(0.28289924, loss.item<float>(), 1e-6);
    }

    /// <summary>The GAN files a port writes for the gan CLI: none where GanModel cannot describe the networks (see docs/keras-ports).</summary>
    private static string[] GanFiles(string port) => port switch
    {
        "bigan" => [],
        "cogan" => ["gan1.keras", "gan2.keras"],
        _ => ["gan.keras"],
    };

    private static KerasPort FindPort(string name) =>
        typeof(KerasPort).Assembly.GetTypes()
            .Where(t => t.IsSubclassOf(typeof(KerasPort)) && !t.IsAbstract)
            .Select(t => (KerasPort)Activator.CreateInstance(t)!)
            .Single(p => p.Name == name);

    private static IEnumerable<double> Numbers(string line) =>
        line.Split([' ', '[', ']', ',', '%'], StringSplitOptions.RemoveEmptyEntries)
            .Select(word => double.TryParse(word, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) ? value : (double?)null)
            .Where(value => value.HasValue)
            .Select(value => value!.Value);

    private static string[] CaptureStandardOutput(Action action)
    {
        var previous = Console.Out;
        using var output = new StringWriter(CultureInfo.InvariantCulture);
        Console.SetOut(output);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(previous);
        }
        return output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
