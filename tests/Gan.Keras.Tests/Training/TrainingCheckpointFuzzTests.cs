using Gan.Keras.Tests.Fuzzing;
using Gan.Keras.Training;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Training;

public class TrainingCheckpointFuzzTests(ITestOutputHelper output)
{
    [Fact]
    public void Load_RaisesInvalidDataNamingTheFile_ForEveryMutationOfACheckpoint()
    {
        // Given 10,000 mutations of a tiny GAN's training checkpoint, each loaded and (when it loads) restored into the GAN
        string path = FuzzFile.NewPath("ckpt-000001.safetensors");
        using var gan = TinyGan.Create();
        using (var checkpoint = TrainingCheckpoint.Capture(gan, 1, 8))
            checkpoint.Save(path);
        byte[] valid = File.ReadAllBytes(path);
        var target = new FuzzTarget("safetensors (checkpoint)", path, valid, m => SafeTensorsMutations.Mutate(m, valid), bytes =>
        {
            // A checkpoint that loads is restored too: resuming is what reads it.
            using var loaded = TrainingCheckpoint.Load(bytes, path);
            loaded.RestoreInto(gan);
        })
        {
            CountsTensors = true,
        };

        // When each is loaded and restored
        var report = FuzzHarness.Run(target);

        // Then every one was restored or refused with InvalidDataException naming the file, leaving no tensor behind
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 8_554, accepted: 1_446);
    }
}
