using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using Gan.Keras.Callbacks;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class TrainingCheckpointTests
{
    [Fact]
    public void RestoreInto_ContinuesBitForBit_LikeAnUninterruptedRun()
    {
        // Given an uninterrupted 4-epoch run, and a 2-epoch run whose checkpoint is restored into a freshly built GAN
        // (different initial weights and random state) that trains the other 2 epochs
        using var data = TinyGan.Data();
        using var reference = TinyGan.Create(seed: 7);
        reference.Fit(data, epochs: 4, batchSize: 64);
        var expected = TinyGan.WeightBytes(reference);

        string folder = TestPaths.NewTempFolder();
        using (var first = TinyGan.Create(seed: 7))
            first.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { new ModelCheckpoint(folder) });
        torch.manual_seed(12345); // disturb the global generator: the checkpoint must restore it
        using var resumed = TinyGan.Create(seed: 99);
        using (var checkpoint = new CheckpointManager(folder).LoadLatest())
        {
            checkpoint.RestoreInto(resumed);
            Assert.Equal(2, checkpoint.Epoch);
            Assert.Equal(16, checkpoint.Step);
        }

        // When it continues from the checkpoint's epoch
        resumed.Fit(data, epochs: 4, batchSize: 64, initialEpoch: 2);

        // Then every weight is bitwise equal to the uninterrupted run's
        var actual = TinyGan.WeightBytes(resumed);
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"weight '{name}' differs after resume");
    }

    [Fact]
    public void RestoreInto_RefusesOtherArchitecture_ListingMismatchingNamesAndShapes()
    {
        // Given a checkpoint of a GAN with 16 hidden units
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using (var small = TinyGan.Create(hidden: 16))
            small.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new ModelCheckpoint(folder) });
        using var wide = TinyGan.Create(hidden: 32);
        var before = TinyGan.WeightBytes(wide);
        using var checkpoint = new CheckpointManager(folder).LoadLatest();

        // When it is restored into a GAN with 32 hidden units
        var error = Assert.Throws<InvalidDataException>(() => checkpoint.RestoreInto(wide));

        // Then the error names the file and each mismatching weight with both shapes, and nothing was changed
        Assert.Contains("ckpt-000001.safetensors", error.Message);
        Assert.Contains("'generator.dense_0.kernel': saved [4, 16], model has [4, 32]", error.Message);
        Assert.Contains("'discriminator.dense_1.kernel': saved [16, 1], model has [32, 1]", error.Message);
        Assert.Contains("'optimizer.generator.0.m'", error.Message);
        var after = TinyGan.WeightBytes(wide);
        foreach (var (name, bytes) in before) Assert.True(bytes.AsSpan().SequenceEqual(after[name]), $"'{name}' was changed by a refused restore");
    }

    [Fact]
    public void Load_RefusesPlainWeightsFile_NamingIt()
    {
        // Given weights saved with SaveWeights (not a training checkpoint)
        string path = Path.Combine(TestPaths.NewTempFolder(), "weights.safetensors");
        using (var gan = TinyGan.Create()) gan.SaveWeights(path);

        // When it is loaded as a checkpoint
        var error = Assert.Throws<InvalidDataException>(() => TrainingCheckpoint.Load(path));

        // Then the error names the file and says how to load it instead
        Assert.Contains(path, error.Message);
        Assert.Contains("LoadWeights", error.Message);
    }

    [Fact]
    public void Capture_SavesFixedNoiseAndRandomStates()
    {
        // Given a GAN and a fixed noise batch
        using var gan = TinyGan.Create();
        using var noise = SampleGrid.DrawNoise(TinyGan.LatentDim, 5, seed: 1);
        string path = Path.Combine(TestPaths.NewTempFolder(), "c.safetensors");

        // When a checkpoint is captured, saved and loaded
        using (var checkpoint = TrainingCheckpoint.Capture(gan, epoch: 3, step: 30, fixedNoise: noise, metadata: new Dictionary<string, string> { ["run"] = "{}" }))
            checkpoint.Save(path);
        using var loaded = TrainingCheckpoint.Load(path);

        // Then the noise, the epoch, the step, the metadata and both random states come back
        Assert.Equal(noise.data<float>().ToArray(), loaded.FixedNoise!.data<float>().ToArray());
        Assert.Equal((3, 30L), (loaded.Epoch, loaded.Step));
        Assert.Equal("{}", loaded.Metadata["run"]);
        Assert.Contains("rng.model", loaded.TensorNames);
        Assert.Contains("rng.global", loaded.TensorNames);
    }
}
