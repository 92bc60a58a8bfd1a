using Gan.Keras.Callbacks;
using Gan.Keras.Internal;
using Gan.Keras.Training;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class TerminateOnNaNTests
{
    [Fact]
    public void Fit_StopsAfterTheFirstNaNStep()
    {
        // Given a GAN whose 11th step (epoch 1, batch 2) logs a NaN loss
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => step == 10 ? double.NaN : 1.0);
        var guard = new TerminateOnNaN();
        int batches = 0;
        var warnings = new List<string>();
        var previous = Warnings.Handler;
        Warnings.Handler = warnings.Add;
        try
        {
            // When it trains for 5 epochs with TerminateOnNaN
            gan.Fit(data, epochs: 5, batchSize: 64, callbacks: new Callback[] { guard, new LambdaCallback(onBatchEnd: (_, _) => batches++) });
        }
        finally
        {
            Warnings.Handler = previous;
        }

        // Then training stopped right after that step, and said where and why
        Assert.Equal(11, batches);
        Assert.Equal((1, 2, "d_loss"), guard.TerminatedAt);
        Assert.Contains(warnings, w => w.Contains("Epoch 2, batch 3: invalid d_loss", StringComparison.Ordinal));
    }

    [Fact]
    public void Fit_ReadsTheDeviceEveryCheckEverySteps_AndTheWeightsOncePerEpoch()
    {
        // Given a tiny GAN (8 steps per epoch) guarded every 4 steps, with the weight check
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        var guard = new TerminateOnNaN(checkEvery: 4, checkWeights: true);
        long before = HostReads.Count;

        // When 2 epochs run
        gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { guard }, verbose: FitVerbosity.Silent);

        // Then each epoch made 2 reads of the running means (the one at its last step is also the epoch's means) and 1 of
        // all the weights' finiteness: no read per step, and every read went through the one counted gate
        Assert.Null(guard.TerminatedAt);
        Assert.Equal(2 * (2 + 1), HostReads.Count - before);
    }

    [Fact]
    public void Fit_StopsAtTheEpochsEnd_BeforeACheckpoint_WhenAWeightHoldsNaN()
    {
        // Given a run whose discriminator's last kernel is set to infinity after the last step of epoch 1
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        var guard = new TerminateOnNaN(checkEvery: 4);
        var poison = new LambdaCallback(onEpochEnd: (epoch, _) =>
        {
            using var noGrad = TorchSharp.torch.no_grad();
            if (epoch == 0) gan.Discriminator.TrainableVariables[^2].fill_(double.PositiveInfinity);
        });
        var warnings = new List<string>();
        var previous = Warnings.Handler;
        Warnings.Handler = warnings.Add;
        try
        {
            // When it trains with the guard before a checkpoint callback
            gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { poison, guard, new ModelCheckpoint(folder) });
        }
        finally
        {
            Warnings.Handler = previous;
        }

        // Then the weight check stopped it in epoch 1, naming the weight, and no checkpoint was written for that epoch
        Assert.Equal((0, 7, "discriminator.dense_1.kernel"), guard.TerminatedAt);
        Assert.Contains(warnings, w => w.StartsWith("Epoch 1: weight 'discriminator.dense_1.kernel' holds NaN or infinity", StringComparison.Ordinal));
        Assert.False(Gan.Keras.Export.Checkpoints.CheckpointManager.Exists(folder));
    }
}
