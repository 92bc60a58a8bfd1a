using Gan.Keras.Callbacks;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class LambdaCallbackTests
{
    [Fact]
    public void Fit_CallsEachHookInKerasOrder()
    {
        // Given a callback that records every hook
        var calls = new List<string>();
        var callback = new LambdaCallback(
            onTrainBegin: c => calls.Add($"train_begin {c.InitialEpoch}-{c.Epochs} x{c.StepsPerEpoch}"),
            onTrainEnd: _ => calls.Add("train_end"),
            onEpochBegin: e => calls.Add($"epoch_begin {e}"),
            onEpochEnd: (e, logs) => calls.Add($"epoch_end {e} {logs.Count}"),
            onBatchBegin: b => calls.Add($"batch_begin {b}"),
            onBatchEnd: (b, _) => calls.Add($"batch_end {b}"));
        using var data = TinyGan.Data().Take(128);
        using var gan = new ScriptedGan(_ => 1);

        // When 2 epochs of 2 steps run
        gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { callback });

        // Then the hooks come in Keras's order
        Assert.Equal(new[]
        {
            "train_begin 0-2 x2",
            "epoch_begin 0", "batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1", "epoch_end 0 4",
            "epoch_begin 1", "batch_begin 0", "batch_end 0", "batch_begin 1", "batch_end 1", "epoch_end 1 4",
            "train_end",
        }, calls);
    }
}
