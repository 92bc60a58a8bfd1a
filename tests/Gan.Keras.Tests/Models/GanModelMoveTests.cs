using Gan.Keras.Callbacks;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

/// <summary>
/// <see cref="GanModel.To(torch.Device, torch.ScalarType)"/> moves everything training keeps. A float32 → float64 →
/// float32 round trip takes TorchSharp's parameter-replacing path (the same as CPU ↔ CUDA) and is lossless, so the
/// moved model must continue bit for bit like a twin that never moved.
/// </summary>
public class GanModelMoveTests
{
    [Fact]
    public void RoundTripOfTheDtypeMidRun_WithEmaSpectralNormAndBatchNorm_EndsBitwiseEqualToATwin()
    {
        // Given two identical GANs with a weight average, batch norm in G and spectral norm in D
        using var data = GaussianMixtures.Ring8(512, seed: 3);
        using var moved = Create();
        using var twin = Create();

        // When both train 2 epochs, one goes to float64 and back in between, and both train 2 more
        moved.Fit(data, epochs: 2, batchSize: 64);
        twin.Fit(data, epochs: 2, batchSize: 64);
        moved.To(torch.float64);
        Assert.All(moved.WeightTensors().Values.Where(t => t.is_floating_point()), t => Assert.Equal(torch.float64, t.dtype));
        moved.To(torch.float32);
        moved.Fit(data, epochs: 4, batchSize: 64, initialEpoch: 2);
        twin.Fit(data, epochs: 4, batchSize: 64, initialEpoch: 2);

        // Then both networks, the average, the moving statistics and both optimizers' state are bitwise equal
        TensorAssert.BitwiseEqual(twin.WeightTensors(), moved.WeightTensors());
        TensorAssert.BitwiseEqual(twin.DiscriminatorOptimizer.GetState(), moved.DiscriminatorOptimizer.GetState());
        TensorAssert.BitwiseEqual(twin.GeneratorOptimizer.GetState(), moved.GeneratorOptimizer.GetState());
        Assert.Contains(moved.WeightTensors().Keys, k => k.StartsWith("generator_ema.", StringComparison.Ordinal));
        Assert.Contains(moved.WeightTensors().Keys, k => k.EndsWith("moving_mean", StringComparison.Ordinal));
        Assert.Contains(moved.WeightTensors().Keys, k => k.EndsWith("vector_u", StringComparison.Ordinal));
    }

    [Fact]
    public void CheckpointOfAModelInFloat64_RestoredIntoAFreshFloat32Gan_ResumesBitExactly()
    {
        // Given an uninterrupted float32 run of 4 epochs
        using var data = GaussianMixtures.Ring8(512, seed: 3);
        using var twin = Create();
        twin.Fit(data, epochs: 4, batchSize: 64);

        // When another run trains 2 epochs, moves to float64, writes a checkpoint, and a freshly built GAN restores it
        string file = Path.Combine(TestPaths.NewTempFolder(), "moved.safetensors");
        using (var first = Create())
        {
            first.Fit(data, epochs: 2, batchSize: 64);
            first.To(torch.float64);
            using var checkpoint = TrainingCheckpoint.Capture(first, epoch: 2, step: 16);
            checkpoint.Save(file);
        }
        using var resumed = Create(seed: 99);
        using (var checkpoint = TrainingCheckpoint.Load(file)) checkpoint.RestoreInto(resumed);
        resumed.Fit(data, epochs: 4, batchSize: 64, initialEpoch: 2);

        // Then it ends bitwise equal to the uninterrupted run
        TensorAssert.BitwiseEqual(twin.WeightTensors(), resumed.WeightTensors());
        TensorAssert.BitwiseEqual(twin.GeneratorOptimizer.GetState(), resumed.GeneratorOptimizer.GetState());
    }

    [Fact]
    public void Fit_InFloat64_TrainsEverythingInDoublePrecision_AndStaysCloseToFloat32()
    {
        // Given the same GAN twice, one moved to float64 before training
        using var data = GaussianMixtures.Ring8(512, seed: 3);
        using var single = Create();
        using var @double = Create().To(torch.float64);

        // When both train 2 epochs
        var singleHistory = single.Fit(data, epochs: 2, batchSize: 64);
        var doubleHistory = @double.Fit(data, epochs: 2, batchSize: 64);

        // Then the float64 run kept every weight, the optimizer state and the samples' computation in float64,
        // and differs from float32 only by rounding
        Assert.Equal(torch.float64, @double.DType);
        Assert.All(@double.WeightTensors().Values.Where(t => t.is_floating_point()), t => Assert.Equal(torch.float64, t.dtype));
        Assert.All(@double.GeneratorOptimizer.GetState().Where(kv => kv.Key != "iterations").Select(kv => kv.Value), t => Assert.Equal(torch.float64, t.dtype));
        Assert.True(double.IsFinite(doubleHistory["g_loss"][^1]));
        Assert.Equal(singleHistory["d_loss"][^1], doubleHistory["d_loss"][^1], 3);
        using var samples = @double.Generate(16, seed: 1);
        Assert.Equal(torch.float32, samples.dtype);
    }

    [Fact]
    public void ScoreRealAndFakeTogether_GivesTheSameLossesAsTwoCalls_UpToRounding()
    {
        // Given two identical GANs without batch-dependent layers in D, one scoring real and fake in one call
        using var data = GaussianMixtures.Ring8(512, seed: 3);
        using var separate = TinyGan.Create();
        using var together = TinyGan.Create();
        together.ScoreRealAndFakeTogether = true;

        // When both train an epoch
        var a = separate.Fit(data, epochs: 1, batchSize: 64);
        var b = together.Fit(data, epochs: 1, batchSize: 64);

        // Then the logged means agree to float rounding
        foreach (var key in a.Keys) Assert.Equal(a[key][0], b[key][0], 5);
    }

    [Fact]
    public void ScoreRealAndFakeTogether_IsRefused_WhenTheDiscriminatorHasBatchNormalization()
    {
        using var gan = Create();
        var bn = new Sequential(new Layer[] { new Dense(8), new BatchNormalization(), new Dense(1) }, inputShape: new long[] { 2 }, name: "discriminator");
        using var withBn = new GanModel(gan.Generator, bn, LatentDim, seed: 1);

        var error = Assert.Throws<InvalidOperationException>(() => withBn.ScoreRealAndFakeTogether = true);

        Assert.Contains("BatchNormalization", error.Message, StringComparison.Ordinal);
        Assert.False(withBn.ScoreRealAndFakeTogether);
    }

    private const int LatentDim = 4;

    private static GanModel Create(long seed = 7)
    {
        RandomSeed.Set(seed);
        var generator = new Sequential(new Layer[] { new Dense(16), new BatchNormalization(), new ReLU(), new Dense(2) }, inputShape: new long[] { LatentDim }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new SpectralNormalization(new Dense(16)), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 2 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, LatentDim, seed) { GeneratorEmaDecay = 0.9 };
        gan.Compile(new Adam(1e-3, 0.5, 0.999), new RMSprop(1e-3), new BinaryCrossentropy(fromLogits: true));
        return gan;
    }
}
