using System.Text;
using Gan.Keras.Tests.Fuzzing;
using Gan.Keras.Training.Runs;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Training.Runs;

public class RunConfigurationFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] Dictionary =
    [
        RunConfiguration.CurrentFormat, "format", "data", "model", "loss", "epochs", "batch-size", "seed", "device", "dtype", "out",
        "keep", "image-size", "channels", "sample-shape", "ring8", "shapes", "mnist", "mnist:/nonexistent", "cifar10", "dcgan", "mlp",
        "wgan-gp", "hinge", "cuda", "cpu", "float64", "float16", "/", "\u0000",
    ];

    [Fact]
    public void Load_RaisesRunConfigurationExceptionNamingTheFile_ForEveryMutationOfRunJson()
    {
        // Given a run's run.json (format and sample shape included), read back as `gan train --config` and --resume read it
        using var folder = new FuzzFolder();
        string path = folder.File("run.json");
        new RunConfiguration { Data = "shapes", Model = "dcgan", Loss = "hinge", BatchSize = 32, ImageSize = 16, Channels = 3, SampleShape = [3, 16, 16] }.Save(path);
        byte[] valid = File.ReadAllBytes(path);
        var target = new FuzzTarget("run.json / --config", path, valid, Generate, bytes =>
        {
            File.WriteAllBytes(path, bytes);
            RunConfiguration.Load(path);
        })
        {
            Expected = typeof(RunConfigurationException),
        };

        // When each of 10,000 mutations (by JSON structure, or by bytes) is read
        var report = FuzzHarness.Run(target);

        // Then every one was read or refused with RunConfigurationException naming the file
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 9_286, accepted: 714);

        Mutation Generate(Mutator m) =>
            m.Random.Next(5) < 3 ? new JsonMutator(m.Random, Dictionary).Mutate(Encoding.UTF8.GetString(valid)) : m.Mutate(valid);
    }
}
