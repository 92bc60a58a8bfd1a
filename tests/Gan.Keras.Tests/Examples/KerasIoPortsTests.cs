using Gan.Keras.Examples.KerasPorts;
using Gan.Keras.Examples.KerasPorts.KerasIo;
using Gan.Keras.Models;
using Xunit;

namespace Gan.Keras.Tests.Examples;

/// <summary>
/// The four keras-io ports run three steps in-process on a few small examples, print Keras's parameter counts of the
/// original's networks, and write their sample grid into --out.
/// </summary>
public sealed class KerasIoPortsTests
{
    [Fact]
    public void WganGp_RunsThreeSteps_AndPrintsKerasParameterCounts()
    {
        // Given the port with a batch of 4 of 8 images (the original: 512 of 60,000)
        var port = new WganGp { BatchSize = 4, Limit = 8 };

        // When
        var (output, samples) = RunThreeSteps(port);

        // Then the counts are those keras-io's wgan_gp.md prints (discriminator 4,305,409; generator 910,660 of which
        // 902,082 trainable), three steps ran, and the grid was written
        Assert.Contains("params discriminator 4305409 4305409", output, StringComparison.Ordinal);
        Assert.Contains("params generator 910660 902082", output, StringComparison.Ordinal);
        Assert.Contains("step 3/3 ", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(samples).Length > 0);
    }

    [Fact]
    public void ConditionalGan_RunsThreeSteps_AndPrintsKerasParameterCounts()
    {
        // Given the port with a batch of 4 of 12 labelled digits (the original: 64 of 70,000)
        var port = new ConditionalGan { BatchSize = 4, Limit = 12 };

        // When
        var (output, samples) = RunThreeSteps(port);

        // Then Keras's counts of the original's networks (by hand and tools/oracles/keras_io_param_counts.js): the
        // discriminator of 11-channel images 6,400 + 73,856 + 129; the generator of 138 inputs 939,918 + 282,752 + 262,272 + 6,273
        Assert.Contains("params discriminator 80385 80385", output, StringComparison.Ordinal);
        Assert.Contains("params generator 1491215 1491215", output, StringComparison.Ordinal);
        Assert.Contains("step 3/3 ", output, StringComparison.Ordinal);
        Assert.True(new FileInfo(samples).Length > 0);
    }

    [Fact]
    public void DcganKerasIo_RunsThreeSteps_AndPrintsKerasParameterCounts()
    {
        // Given the port with batches of 1 of 3 generated 64×64 images and one sample (the original: 32 of CelebA, 10 samples)
        var port = new DcganKerasIo { BatchSize = 1, Count = 3, NumImg = 1 };

        // When
        var (output, samples) = RunThreeSteps(port);

        // Then the counts keras-io's dcgan_overriding_train_step.md prints (404,801 and 3,979,651), and its train_step's losses
        Assert.Contains("params discriminator 404801 404801", output, StringComparison.Ordinal);
        Assert.Contains("params generator 3979651 3979651", output, StringComparison.Ordinal);
        Assert.Matches(@"step 3/3 d_loss=\d+\.\d{4} g_loss=\d+\.\d{4}", output);
        Assert.True(new FileInfo(samples).Length > 0);
    }

    [Fact]
    public void CycleGan_RunsThreeSteps_AndPrintsKerasParameterCounts()
    {
        // Given the port on 16×16 crops of 3 generated images per domain (the original: 256×256 horse2zebra crops)
        var port = new CycleGan { ImageSize = 16, Count = 3 };

        // When
        var (output, samples) = RunThreeSteps(port);

        // Then Keras's counts of the original's four networks (they do not depend on the image size; by hand and
        // tools/oracles/keras_io_param_counts.js), and the four losses of its train_step
        Assert.Contains("params generator_G 11383427 11383427", output, StringComparison.Ordinal);
        Assert.Contains("params generator_F 11383427 11383427", output, StringComparison.Ordinal);
        Assert.Contains("params discriminator_X 2765633 2765633", output, StringComparison.Ordinal);
        Assert.Contains("params discriminator_Y 2765633 2765633", output, StringComparison.Ordinal);
        Assert.Matches(@"step 3/3 G_loss=\d+\.\d{4} F_loss=\d+\.\d{4} D_X_loss=\d+\.\d{4} D_Y_loss=\d+\.\d{4}", output);
        Assert.True(new FileInfo(samples).Length > 0);

        // And each network is saved whole, loading back (ReflectionPadding2D registered) under its name with its count
        foreach (var (network, count) in new[] { ("generator_G", 11383427L), ("generator_F", 11383427L), ("discriminator_X", 2765633L), ("discriminator_Y", 2765633L) })
        {
            using var loaded = Model.Load(Path.Combine(Path.GetDirectoryName(samples)!, network + ".keras"));
            Assert.Equal(count, loaded.CountParams());
            Assert.Equal(network, loaded.Name);
        }
    }

    private static (string Output, string Samples) RunThreeSteps(KerasPort port)
    {
        string folder = TestPaths.NewTempFolder();
        var settings = new PortSettings { Steps = 3, Out = folder, Seed = 1 };
        var previous = Console.Out;
        using var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            RandomSeed.Set(settings.Seed);
            port.Run(settings);
        }
        finally
        {
            Console.SetOut(previous);
        }
        return (output.ToString(), Path.Combine(folder, "samples.png"));
    }
}
