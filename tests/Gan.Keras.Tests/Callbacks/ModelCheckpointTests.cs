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

    [Fact]
    public void SaveBestOnly_SavesExactlyTheEpochsThatImproveTheMonitoredLog()
    {
        // Given a checkpoint that keeps only improvements of d_loss (lower is better)
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        var callback = new ModelCheckpoint(folder, keep: 10, monitor: "d_loss", saveBestOnly: true);

        // When 6 epochs run
        var history = gan.Fit(data, epochs: 6, batchSize: 64, callbacks: new Callback[] { callback });

        // Then the saved epochs are the running minima of the history's d_loss
        var losses = history["d_loss"];
        var expected = Enumerable.Range(0, losses.Count).Where(i => losses.Take(i).All(previous => losses[i] < previous)).Select(i => i + 1).ToArray();
        Assert.Equal(expected, callback.Manager.Entries.Select(e => e.Epoch));
        Assert.Contains(1, expected);
        Assert.True(expected.Length < 6 || losses.Zip(losses.Skip(1)).All(p => p.Second < p.First));
    }

    [Fact]
    public void SaveBestOnly_OnAMissingLog_SavesNothing_AndWarnsOnceNamingTheLogs()
    {
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        var callback = new ModelCheckpoint(folder, monitor: "val_accuracy", saveBestOnly: true);
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { callback }));

        Assert.Empty(callback.Manager.Entries);
        var warning = Assert.Single(warnings);
        Assert.Contains("no 'val_accuracy'", warning, StringComparison.Ordinal);
        Assert.Contains("d_loss", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Mode_OtherThanMinMaxAuto_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => new ModelCheckpoint(TestPaths.NewTempFolder(), mode: "lowest"));
    }
}
