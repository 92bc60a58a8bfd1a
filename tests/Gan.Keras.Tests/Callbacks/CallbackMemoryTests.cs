using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class CallbackMemoryTests
{
    [Fact]
    public void Fit_WithEveryCallback_KeepsLiveTensorCountFlatAcrossEpochs()
    {
        // Given every callback the CLI uses, and a probe of libtorch's live tensor count at each epoch end
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        using var noise = SampleGrid.DrawNoise(TinyGan.LatentDim, 100, seed: 1);
        using var grid = new SampleGrid(Path.Combine(folder, "samples"), noise, GaussianMixtures.Ring8Means());
        using var board = new TensorBoard(Path.Combine(folder, "tb"), fixedNoise: noise);
        var counts = new List<long>();
        var callbacks = new Callback[]
        {
            new ProgbarLogger(TextWriter.Null, interactive: false), new CsvLogger(Path.Combine(folder, "h.csv")), new LossPlot(Path.Combine(folder, "l.png")),
            grid, board, new TerminateOnNaN(), new ModelCheckpoint(Path.Combine(folder, "ck"), keep: 2, fixedNoise: noise),
            new BackupAndRestore(Path.Combine(folder, "backup")),
            new LambdaCallback(onEpochEnd: (_, _) => counts.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount)),
        };

        // When 8 epochs run
        gan.Fit(data, epochs: 8, batchSize: 64, callbacks: callbacks);

        // Then no tensors pile up from epoch 2 on (checkpoints, pictures and logs release what they make)
        Assert.True(counts[^1] <= counts[1], $"live tensors grew from {counts[1]} after epoch 2 to {counts[^1]} after epoch 8: {string.Join(", ", counts)}");
    }
}
