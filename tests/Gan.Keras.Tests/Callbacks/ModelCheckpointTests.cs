using Gan.Keras.Callbacks;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class ModelCheckpointTests
{
    [Fact]
    public void Fit_SavesEveryNthAndTheLastEpoch_WithFixedNoise_KeepingN()
    {
        // Given a checkpoint callback saving every 2 epochs, keeping 2, with fixed noise
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        using var noise = SampleGrid.DrawNoise(TinyGan.LatentDim, 3, seed: 9);
        var lines = new List<string>();
        var callback = new ModelCheckpoint(folder, keep: 2, every: 2, fixedNoise: noise, log: lines.Add);

        // When 5 epochs run
        gan.Fit(data, epochs: 5, batchSize: 64, callbacks: new Callback[] { callback });

        // Then epochs 2 and 4 were saved, then 5 (the last); 4 and 5 are kept, each with the noise, and each save was logged
        Assert.Equal(new[] { 4, 5 }, callback.Manager.Entries.Select(e => e.Epoch));
        Assert.Equal(5, callback.LastSaved!.Epoch);
        Assert.Equal(40, callback.LastSaved.Step);
        using var latest = callback.Manager.LoadLatest();
        Assert.Equal(noise.data<float>().ToArray(), latest.FixedNoise!.data<float>().ToArray());
        Assert.Equal(6, lines.Count);
        Assert.StartsWith("Saving checkpoint for epoch 2", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Saved checkpoint ckpt-000002.safetensors", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_DoesNotSaveAnEpochCutShortByStopTraining()
    {
        // Given training that is stopped in the middle of epoch 2 (index 1)
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        int epoch = 0;
        var stop = new LambdaCallback(onEpochBegin: e => epoch = e, onBatchEnd: (b, _) => { if (epoch == 1 && b == 2) gan.StopTraining = true; });
        var callback = new ModelCheckpoint(folder);

        // When it trains
        gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { stop, callback });

        // Then only the completed epoch 1 was saved
        Assert.Equal(new[] { 1 }, callback.Manager.Entries.Select(e => e.Epoch));
    }
}
