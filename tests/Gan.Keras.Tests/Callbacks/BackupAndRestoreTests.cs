using Gan.Keras.Callbacks;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class BackupAndRestoreTests
{
    [Fact]
    public void Fit_AfterACrash_ContinuesAtTheNextEpoch_AndEndsBitwiseEqual()
    {
        // Given an uninterrupted 4-epoch run, and a run that crashes during epoch 3 (index 2) with BackupAndRestore
        using var data = TinyGan.Data();
        using var reference = TinyGan.Create(seed: 5);
        reference.Fit(data, epochs: 4, batchSize: 64);
        var expected = TinyGan.WeightBytes(reference);
        string backup = Path.Combine(TestPaths.NewTempFolder(), "backup");
        using (var crashing = TinyGan.Create(seed: 5))
        {
            int epoch = 0;
            var crash = new LambdaCallback(onEpochBegin: e => epoch = e, onBatchEnd: (batch, _) => { if (epoch == 2 && batch == 3) throw new IOException("simulated crash"); });
            Assert.Throws<IOException>(() => crashing.Fit(data, epochs: 4, batchSize: 64, callbacks: new Callback[] { new BackupAndRestore(backup), crash }));
        }

        // When the same Fit call is made again on a fresh GAN
        using var again = TinyGan.Create(seed: 5);
        var restore = new BackupAndRestore(backup);
        var epochs = new List<int>();
        again.Fit(data, epochs: 4, batchSize: 64, callbacks: new Callback[] { restore, new LambdaCallback(onEpochBegin: epochs.Add) });

        // Then it restored after epoch 2, trained only epochs 2 and 3, matches the reference bit for bit, and deleted the backup
        Assert.Equal(2, restore.RestoredEpoch);
        Assert.Equal(new[] { 2, 3 }, epochs);
        var actual = TinyGan.WeightBytes(again);
        foreach (var (name, bytes) in expected) Assert.True(bytes.AsSpan().SequenceEqual(actual[name]), $"weight '{name}' differs");
        Assert.False(Directory.Exists(backup));
    }
}
