using Gan.Keras.Callbacks;
using Gan.Keras.Training;
using TorchSharp;
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

        // When it trains for 5 epochs with TerminateOnNaN
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 5, batchSize: 64, callbacks: new Callback[] { guard, new LambdaCallback(onBatchEnd: (_, _) => batches++) }));

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

        // When it trains with the guard before a checkpoint callback
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { poison, guard, new ModelCheckpoint(folder) }));

        // Then the weight check stopped it in epoch 1, naming the weight, and no checkpoint was written for that epoch
        Assert.Equal((0, 7, "discriminator.dense_1.kernel"), guard.TerminatedAt);
        Assert.Contains(warnings, w => w.StartsWith("Epoch 1: weight 'discriminator.dense_1.kernel' holds NaN or infinity", StringComparison.Ordinal));
        Assert.False(Gan.Keras.Export.Checkpoints.CheckpointManager.Exists(folder));
    }

    [Fact]
    public void Constructor_RejectsCheckEveryBelowOne()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new TerminateOnNaN(checkEvery: 0));

        Assert.Equal("checkEvery", error.ParamName);
    }

    [Fact]
    public void BatchAndEpochEnds_RejectNullLogs()
    {
        var guard = new TerminateOnNaN();

        var atBatchEnd = Assert.Throws<ArgumentNullException>(() => guard.OnBatchEnd(0, null!));
        var atEpochEnd = Assert.Throws<ArgumentNullException>(() => guard.OnEpochEnd(0, null!));

        Assert.Equal("logs", atBatchEnd.ParamName);
        Assert.Equal("logs", atEpochEnd.ParamName);
    }

    [Fact]
    public void Fit_WarnsOnce_WhenTheEpochEndSeesTheNaNThatStoppedAStep()
    {
        // Given a GAN whose 3rd step logs a NaN loss, which also makes the epoch's mean NaN
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => step == 2 ? double.NaN : 1.0);
        var guard = new TerminateOnNaN();

        // When it trains with TerminateOnNaN checking every step
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { guard }, verbose: FitVerbosity.Silent));

        // Then the step stopped it, and the epoch's end (still called after the stop) said nothing more
        Assert.Equal((0, 2, "d_loss"), guard.TerminatedAt);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("Epoch 1, batch 3: invalid d_loss (NaN), terminating training.", warning, StringComparison.Ordinal);
        Assert.Equal(warning, guard.Reason);
    }

    [Fact]
    public void Fit_StopsAtTheEpochsEnd_ForANaNLoggedAfterTheLastCheckedStep_NamingTheLossBeforeAnyWeight()
    {
        // Given a GAN whose 8th and last step of epoch 1 logs a NaN loss, guarded every 3 steps (at steps 3 and 6), and a
        // generator kernel set to NaN after that step too
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => step == 7 ? double.NaN : 1.0);
        var guard = new TerminateOnNaN(checkEvery: 3);
        var poison = PoisonAtEpochEnd(gan, 0, w => w.Generator.TrainableVariables[0]);

        // When it trains
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { poison, guard }, verbose: FitVerbosity.Silent));

        // Then the epoch's means stopped it at its end, and the one warning names the loss, not the weight
        Assert.Equal((0, 7, "d_loss"), guard.TerminatedAt);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("Epoch 1, by batch 8: invalid d_loss (NaN), terminating training.", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_LeavesTheWeightsUnchecked_WhenCheckWeightsIsFalse()
    {
        // Given a GAN whose steps log finite values (they do not use the weights), and a generator kernel set to NaN
        // after the first epoch
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.0);
        var guard = new TerminateOnNaN(checkWeights: false);
        var poison = PoisonAtEpochEnd(gan, 0, w => w.Generator.TrainableVariables[0]);
        int epochs = 0;

        // When it trains for 2 epochs with TerminateOnNaN not checking weights
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { poison, guard, new LambdaCallback(onEpochEnd: (_, _) => epochs++) }, verbose: FitVerbosity.Silent));

        // Then nothing stopped it
        Assert.Null(guard.TerminatedAt);
        Assert.Empty(warnings);
        Assert.Equal(2, epochs);
    }

    [Fact]
    public void Fit_NamesTheFirstNonFiniteWeight_AndCountsTheOthers()
    {
        // Given a run whose generator kernel and discriminator's last kernel are set to NaN after the first epoch
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.0);
        var guard = new TerminateOnNaN();
        var poisonGenerator = PoisonAtEpochEnd(gan, 0, w => w.Generator.TrainableVariables[0]);
        var poisonDiscriminator = PoisonAtEpochEnd(gan, 0, w => w.Discriminator.TrainableVariables[^2]);

        // When it trains with TerminateOnNaN checking weights
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { poisonGenerator, poisonDiscriminator, guard }, verbose: FitVerbosity.Silent));

        // Then the warning names the first and says how many more there are
        Assert.Equal((0, 7, "generator.dense_0.kernel"), guard.TerminatedAt);
        var warning = Assert.Single(warnings);
        Assert.Equal("Epoch 1: weight 'generator.dense_0.kernel' and 1 more holds NaN or infinity, terminating training. Lower the learning rate.", warning);
    }

    [Fact]
    public void Fit_JudgesEachStepByItsOwnValues_WhenCheckingEveryStep()
    {
        // Given a GAN whose every step logs a finite d_loss of 1e308, so that the epoch's running sum overflows from the
        // second step on
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1e308);
        var guard = new TerminateOnNaN(checkEvery: 1);

        // When it trains with TerminateOnNaN checking every step
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { guard }, verbose: FitVerbosity.Silent));

        // Then no step stopped it, as Keras judges a step by its own logs; the epoch's (infinite) mean did, at its end
        Assert.Equal((0, 7, "d_loss"), guard.TerminatedAt);
        var warning = Assert.Single(warnings);
        Assert.StartsWith("Epoch 1, by batch 8: invalid d_loss", warning, StringComparison.Ordinal);
    }

    /// <summary>A callback that fills one weight with NaN at the end of <paramref name="epoch"/> (before the callbacks after it look).</summary>
    private static LambdaCallback PoisonAtEpochEnd(ScriptedGan gan, int epoch, Func<ScriptedGan, torch.Tensor> weight) =>
        new(onEpochEnd: (e, _) =>
        {
            if (e != epoch) return;
            using var noGrad = torch.no_grad();
            weight(gan).fill_(double.NaN);
        });
}
