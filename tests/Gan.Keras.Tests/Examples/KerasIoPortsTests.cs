using Gan.Keras.Examples.KerasPorts;
using Gan.Keras.Examples.KerasPorts.KerasIo;
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
