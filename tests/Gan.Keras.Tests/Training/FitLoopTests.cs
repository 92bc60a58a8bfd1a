using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class FitLoopTests
{
    [Fact]
    public void Fit_MakesNoHostReadInsideAnEpoch_WhenNoCallbackAsksForBatchValues()
    {
        // Given a GAN and a callback that counts the loop's host reads from each epoch's start to its last batch,
        // without reading the batch logs itself
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        var readsPerEpoch = new List<long>();
        long atEpochStart = 0;
        var probe = new LambdaCallback(
            onEpochBegin: _ => atEpochStart = HostReads.Count,
            onEpochEnd: (_, _) => readsPerEpoch.Add(HostReads.Count - atEpochStart));
        var batchesSeen = new List<long>();
        var batchProbe = new BatchCounter(() => HostReads.Count - atEpochStart, batchesSeen);

        // When it trains 3 epochs of 8 steps
        var history = gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { batchProbe, probe });

        // Then no step read anything back; each epoch read its means once, at its end
        Assert.Equal(24, batchesSeen.Count);
        Assert.All(batchesSeen, reads => Assert.Equal(0, reads));
        Assert.Equal(new long[] { 1, 1, 1 }, readsPerEpoch);
        Assert.True(double.IsFinite(history["d_loss"][^1]));
    }

    [Fact]
    public void Fit_ReadsTheStepValues_OnlyWhenACallbackReadsThem()
    {
        // Given a callback that reads every step's d_loss (as Keras's per-batch logs)
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        var losses = new List<double>();
        long before = HostReads.Count;

        // When it trains an epoch of 8 steps
        var history = gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new LambdaCallback(onBatchEnd: (_, logs) => losses.Add(logs["d_loss"])) });

        // Then each step was read once (reading twice costs nothing more), plus the epoch's means, and they agree
        Assert.Equal(8 + 1, HostReads.Count - before);
        Assert.Equal(history["d_loss"][0], losses.Average(), 6);
    }

    [Fact]
    public void Fit_OnTheMetaDevice_RunsEveryStep_AndFirstTouchesValuesAtTheEpochsEnd()
    {
        // Given a GAN on libtorch's meta device, where tensors have shapes but no values: any host read throws
        // (tanh and the least-squares loss: relu and binary cross-entropy have no meta kernel in libtorch 2.10)
        var meta = new torch.Device(DeviceType.META);
        using var data = TinyGan.Data();
        RandomSeed.Set(7);
        var generator = new Sequential(new Layer[] { new Dense(16, "tanh"), new Dense(2) }, inputShape: new long[] { TinyGan.LatentDim }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(16, "tanh"), new Dense(1) }, inputShape: new long[] { 2 }, name: "discriminator");
        using var gan = new GanModel(generator, discriminator, TinyGan.LatentDim, seed: 7);
        gan.Compile(new Adam(1e-3, 0.5), new Adam(1e-3, 0.5), new LeastSquaresLoss());
        gan.To(meta);
        int batches = 0;

        // When it trains an epoch
        var error = Record.Exception(() => gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new LambdaCallback(onBatchEnd: (_, _) => batches++) }));

        // Then all 8 steps ran (no step read a value), and the first read is the epoch's means
        Assert.True(batches == 8, error?.ToString());
        Assert.NotNull(error);
        Assert.Contains("meta", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Fit_KeepsTheLiveTensorCountFlat_OverManySteps()
    {
        // Given a GAN and a probe of libtorch's live tensors at each epoch's end
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        gan.GeneratorEmaDecay = 0.99;
        var counts = new List<long>();

        // When it trains 125 epochs of 8 steps (1,000 steps)
        gan.Fit(data, epochs: 125, batchSize: 64, callbacks: new Callback[] { new LambdaCallback(onEpochEnd: (_, _) => counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount)) });

        // Then nothing piles up after the first epoch (flat storage, moments and averages are made once)
        Assert.True(counts[^1] <= counts[1], $"live tensors grew from {counts[1]} after epoch 2 to {counts[^1]} after epoch 125");
    }

    private sealed class BatchCounter(Func<long> readsSoFar, List<long> seen) : Callback
    {
        public override void OnBatchEnd(int batch, BatchLogs logs) => seen.Add(readsSoFar());
    }
}
