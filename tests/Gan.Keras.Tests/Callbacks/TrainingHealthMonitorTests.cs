using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using Gan.Keras.Training.Runs;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Callbacks;

public class TrainingHealthMonitorTests
{
    /// <summary>Warns of a winning discriminator after 8 steps instead of 100, so that one epoch of <see cref="TinyGan"/> is enough.</summary>
    private static readonly HealthThresholds WinningAfter8Steps = new() { WinningSteps = 8 };

    private readonly ITestOutputHelper output;

    public TrainingHealthMonitorTests(ITestOutputHelper output) => this.output = output;

    [Fact]
    public void Fit_StopsOnNaN_AndTheNewestCheckpointIsTheLastGoodOne_WhenTheLearningRateIs1()
    {
        // Given the tiny GAN with plain SGD at learning rate 1.0, the monitor, then a checkpoint callback
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        gan.Compile(new SGD(1.0), new SGD(1.0), new BinaryCrossentropy(fromLogits: true));
        using var monitor = new TrainingHealthMonitor(modes: GaussianMixtures.Ring8Means());
        var checkpoint = new ModelCheckpoint(folder, keep: 100);

        // When it trains for up to 100 epochs
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 100, batchSize: 64, callbacks: new Callback[] { monitor, checkpoint }));

        // Then the losses became NaN, training stopped, the warning said so, and the stopped epoch has no checkpoint
        var stopped = Assert.IsType<HealthWarning>(monitor.Stopped);
        output.WriteLine($"{stopped.Message} ({monitor.Measurements.Count} epochs measured)");
        Assert.Equal(HealthChecks.NonFinite, stopped.Problem);
        Assert.True(stopped.Epoch < 99, "training ran to the end");
        Assert.Contains(warnings, w => w.Contains("invalid", StringComparison.Ordinal) && w.Contains("terminating training", StringComparison.Ordinal));
        var manager = new CheckpointManager(folder);
        Assert.Equal(stopped.Epoch, manager.Latest!.Epoch);
        using var last = manager.LoadLatest();
        using var restored = TinyGan.Create();
        last.RestoreWeightsInto(restored);
        Assert.Empty(TrainingState.NonFiniteWeights(restored));
    }

    [Fact]
    public void Fit_StopsBeforeTheCheckpoint_WhenAWeightBecomesNaNAtTheEndOfAnEpoch()
    {
        // Given a run whose generator kernel is set to NaN after the last step of epoch 2, before the monitor looks
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        using var monitor = new TrainingHealthMonitor();
        var poison = new LambdaCallback(onEpochEnd: (epoch, _) =>
        {
            if (epoch != 1) return;
            using var noGrad = torch.no_grad();
            gan.Generator.TrainableVariables[0].fill_(double.NaN);
        });

        // When it trains for 5 epochs with a checkpoint after the monitor
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 5, batchSize: 64, callbacks: new Callback[] { poison, monitor, new ModelCheckpoint(folder) }));

        // Then the weight check stopped it at epoch 2, naming the weight, and the newest checkpoint is epoch 1's; the
        // monitor records the stop as its one warning and measures nothing of the stopped epoch
        Assert.Equal((1, 7, "generator.dense_0.kernel"), monitor.TerminatedAt);
        Assert.Contains(warnings, w => w.StartsWith("Epoch 2: weight 'generator.dense_0.kernel' holds NaN or infinity", StringComparison.Ordinal));
        Assert.Equal(1, new CheckpointManager(folder).Latest!.Epoch);
        var stopped = Assert.IsType<HealthWarning>(monitor.Stopped);
        Assert.Equal(new HealthWarning(HealthChecks.NonFinite, 1, 7, warnings[^1]), stopped);
        Assert.Same(stopped, Assert.Single(monitor.Warnings));
        Assert.Equal(0, Assert.Single(monitor.Measurements).Epoch);
    }

    [Fact]
    public void Fit_WarnsOfModeCollapse_WhenTheGeneratorOutputIsConstant()
    {
        // Given a generator that ignores its noise (its output is a learned constant)
        using var data = TinyGan.Data();
        using var gan = new GanModel(new ConstantGenerator(), TinyGan.Create().Discriminator, TinyGan.LatentDim, seed: 1);
        gan.Compile(new Adam(1e-3, 0.5, 0.999), new Adam(1e-3, 0.5, 0.999), new NonSaturatingLoss());
        using var monitor = new TrainingHealthMonitor(modes: GaussianMixtures.Ring8Means());

        // When it trains for 3 epochs
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { monitor }));

        // Then one line says the samples collapsed, after the second epoch end that saw it
        var collapse = Assert.Single(monitor.Warnings, w => w.Problem == HealthChecks.ModeCollapse);
        Assert.Equal(1, collapse.Epoch);
        Assert.StartsWith("Training health, epoch 2: mode collapse: the fixed-noise samples are all the same", collapse.Message, StringComparison.Ordinal);
        Assert.Contains(collapse.Message, warnings);
        Assert.All(monitor.Measurements, m => Assert.True(m.SampleSpread < 1e-6));
    }

    [Fact]
    public void Fit_WarnsThatTheDiscriminatorWins_With50DiscriminatorStepsPerGeneratorStep()
    {
        // Given a small image GAN whose discriminator takes 50 steps per generator step (non-saturating loss)
        using var data = ProceduralShapes.Load(1_000, seed: 0, flatten: true, side: 16);
        using var gan = SmallImageGan(new NonSaturatingLoss());
        gan.DiscriminatorSteps = 50;
        using var monitor = new TrainingHealthMonitor();

        // When it trains for 24 epochs of 5 steps
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 24, batchSize: 4, callbacks: new Callback[] { monitor }));

        // Then one line says the discriminator wins, with the advice; the non-saturating loss keeps the generator's gradient
        Log(monitor);
        var winning = Assert.Single(monitor.Warnings, w => w.Problem == HealthChecks.DiscriminatorWinning);
        Assert.Contains("the discriminator is winning: D(x) 1.000 and D(G(z)) 0.0", winning.Message, StringComparison.Ordinal);
        Assert.Contains("a lower discriminator learning rate, one-sided label smoothing or instance noise", winning.Message, StringComparison.Ordinal);
        Assert.Contains("non-saturating or hinge loss", winning.Message, StringComparison.Ordinal);
        Assert.Contains(winning.Message, warnings);
        Assert.DoesNotContain(monitor.Warnings, w => w.Problem == HealthChecks.VanishingGeneratorGradients);
    }

    [Fact]
    public void Fit_WarnsOfVanishingGeneratorGradients_WhenTheMinimaxLossSaturates()
    {
        // Given the same GAN with the minimax loss, whose generator gradient is σ(D(G(z))): nothing once D wins
        using var data = ProceduralShapes.Load(2_000, seed: 0, flatten: true, side: 16);
        using var gan = SmallImageGan(new MinimaxLoss());
        gan.DiscriminatorSteps = 50;
        using var monitor = new TrainingHealthMonitor();

        // When it trains for 22 epochs of 5 steps
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 22, batchSize: 8, callbacks: new Callback[] { monitor }));

        // Then one line says the generator's gradients vanish, and points to the non-saturating loss
        Log(monitor);
        var vanishing = Assert.Single(monitor.Warnings, w => w.Problem == HealthChecks.VanishingGeneratorGradients);
        Assert.Contains("the generator's gradients vanish", vanishing.Message, StringComparison.Ordinal);
        Assert.Contains("use the non-saturating loss", vanishing.Message, StringComparison.Ordinal);
        Assert.Contains(vanishing.Message, warnings);
    }

    [Fact]
    public void Fit_GivesNoWarning_OnAHealthyRing8Run()
    {
        // Given the CLI's ring8 run (its data, mlp-small, non-saturating loss, Adam 1e-3, batch 64, seed 42) and its 1,000-point fixed noise
        RandomSeed.Set(42);
        var configuration = new RunConfiguration { Data = "ring8", Seed = 42 };
        using var data = configuration.OpenData();
        using var gan = configuration.CreateGan(data.ElementShape);
        using var noise = SampleGrid.DrawNoise(gan.LatentDim, 1_000, seed: 42);
        using var monitor = new TrainingHealthMonitor(noise, GaussianMixtures.Ring8Means());

        // When it trains for 12 epochs
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 12, batchSize: 64, callbacks: new Callback[] { monitor }));

        // Then nothing is said, and the monitor did measure: the samples cover all 8 modes by the end
        Log(monitor);
        Assert.Empty(warnings);
        Assert.Empty(monitor.Warnings);
        Assert.Equal(12, monitor.Measurements.Count);
        Assert.Equal(8, monitor.Measurements[^1].ModesCovered);
    }

    [Fact]
    public void Fit_EndsWithBitIdenticalWeights_WithAndWithoutTheMonitor()
    {
        // Given two identical tiny GANs, one trained with the monitor, one without
        using var data = TinyGan.Data();
        using var watched = TinyGan.Create();
        using var plain = TinyGan.Create();
        using var monitor = new TrainingHealthMonitor(checkEvery: 2);

        // When both train for 3 epochs
        WarningCapture.During(() => watched.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { monitor }));
        plain.Fit(data, epochs: 3, batchSize: 64);

        // Then the monitor measured every epoch and changed nothing: no random draw, no statistics, no update
        Assert.Equal(3, monitor.Measurements.Count);
        var expected = TinyGan.WeightBytes(plain);
        foreach (var (name, bytes) in TinyGan.WeightBytes(watched))
            Assert.True(bytes.SequenceEqual(expected[name]), $"'{name}' differs");
    }

    [Fact]
    public void Fit_ReadsTheDeviceEveryCheckEverySteps_NotEveryStep()
    {
        // Given the monitor reading every 20 steps, on 80 steps per epoch
        using var data = GaussianMixtures.Ring8(5_120, seed: 3);
        using var gan = TinyGan.Create();
        using var monitor = new TrainingHealthMonitor(checkEvery: 20);
        long before = HostReads.Count;

        // When 2 epochs run
        WarningCapture.During(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { monitor }));

        // Then per epoch, not 80: 4 reads of the running means (shared by the NaN and score checks; the last is also the
        // epoch's means), the weights' finiteness, the samples' spread and the generator's gradient
        long reads = HostReads.Count - before;
        Assert.Equal(2 * (4 + 1 + 1 + 1), reads);
    }

    [Theory]
    [InlineData("wgan-gp", 4.0, -4.0)]
    [InlineData("hinge", 2.5, -2.5)]
    [InlineData("lsgan", 1.0, 0.0)]
    public void DiscriminatorCheck_DoesNotReadRawCriticScores_AsProbabilities(string loss, double real, double fake)
    {
        // Given the D(x) and D(G(z)) a critic of this loss logs once it separates real from fake (beyond 0.9 and 0.1 if
        // they were probabilities), every step of 2 epochs of 80 steps, and the same stream from a loss whose scores are probabilities
        using var data = GaussianMixtures.Ring8(5_120, seed: 3);
        using var critic = new ScriptedGan(_ => 1.0, GanLosses.FromName(loss), real, fake);
        using var probabilities = new ScriptedGan(_ => 1.0, new NonSaturatingLoss(), 0.95, 0.05);
        using var watchingCritic = new TrainingHealthMonitor(checkEvery: 20, checks: HealthChecks.DiscriminatorWinning);
        using var watchingProbabilities = new TrainingHealthMonitor(checkEvery: 20, checks: HealthChecks.DiscriminatorWinning);

        // When both train with the monitor
        WarningCapture.During(() => critic.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { watchingCritic }, verbose: FitVerbosity.Silent));
        WarningCapture.During(() => probabilities.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { watchingProbabilities }, verbose: FitVerbosity.Silent));

        // Then the critic's scores were measured as they are but raised no warning; the probabilities did
        Assert.Equal(real, watchingCritic.Measurements[^1].RealScore!.Value, 1e-9);
        Assert.Empty(watchingCritic.Warnings);
        Assert.Single(watchingProbabilities.Warnings, w => w.Problem == HealthChecks.DiscriminatorWinning);
    }

    [Fact]
    public void DiscriminatorCheck_IsSkipped_ForScoresThatAreNotProbabilities()
    {
        // Given the losses whose D(x) and D(G(z)) are raw critic scores, and those whose scores are probabilities
        // Then only the cross-entropy losses say their scores are probabilities
        Assert.True(new NonSaturatingLoss().ScoresAreProbabilities);
        Assert.True(new NonSaturatingLoss(new BinaryCrossentropy(fromLogits: false)).ScoresAreProbabilities);
        Assert.True(new MinimaxLoss().ScoresAreProbabilities);
        Assert.False(new WassersteinGpLoss().ScoresAreProbabilities);
        Assert.False(new HingeLoss().ScoresAreProbabilities);
        Assert.False(new LeastSquaresLoss().ScoresAreProbabilities);
    }

    [Fact]
    public void Constructor_RejectsBadArguments_NamingThem()
    {
        using var flat = torch.zeros(16);

        var checkEvery = Assert.Throws<ArgumentOutOfRangeException>(() => new TrainingHealthMonitor(checkEvery: 0));
        var modes = Assert.Throws<ArgumentException>(() => new TrainingHealthMonitor(modes: new double[0, 2]));
        var noise = Assert.Throws<ArgumentException>(() => new TrainingHealthMonitor(fixedNoise: flat));

        Assert.Equal("checkEvery", checkEvery.ParamName);
        Assert.Equal("modes", modes.ParamName);
        Assert.Equal("fixedNoise", noise.ParamName);
        Assert.StartsWith("Fixed noise must have shape [n, latentDim], but got [16].", noise.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hooks_RejectNullArguments_WhateverTheChecks()
    {
        // Given a monitor that only watches the discriminator's scores (no NaN check to reject null logs for it)
        using var monitor = new TrainingHealthMonitor(checks: HealthChecks.DiscriminatorWinning);

        // When its hooks get null
        var begin = Assert.Throws<ArgumentNullException>(() => monitor.OnTrainBegin(null!));
        var batchEnd = Assert.Throws<ArgumentNullException>(() => monitor.OnBatchEnd(19, null!));
        var epochEnd = Assert.Throws<ArgumentNullException>(() => monitor.OnEpochEnd(0, null!));

        // Then each names the argument
        Assert.Equal("context", begin.ParamName);
        Assert.Equal("logs", batchEnd.ParamName);
        Assert.Equal("logs", epochEnd.ParamName);
    }

    [Fact]
    public void Fit_UsesTheGivenThresholds()
    {
        // Given a GAN logging D(x) 0.95 and D(G(z)) 0.05 at each of 8 steps, watched every 4 steps by a monitor that
        // warns after 8 winning steps and by one with the default thresholds (100 steps)
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.0, new NonSaturatingLoss(), 0.95, 0.05);
        using var quick = new TrainingHealthMonitor(checkEvery: 4, checks: HealthChecks.DiscriminatorWinning, thresholds: WinningAfter8Steps);
        using var defaults = new TrainingHealthMonitor(checkEvery: 4, checks: HealthChecks.DiscriminatorWinning);

        // When it trains for 1 epoch
        WarningCapture.During(() => gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { quick, defaults }, verbose: FitVerbosity.Silent));

        // Then the first warned at the 8th step and keeps its thresholds; the second said nothing
        Assert.Same(WinningAfter8Steps, quick.Thresholds);
        Assert.Equal(7, Assert.Single(quick.Warnings).Batch);
        Assert.Equal(new HealthThresholds(), defaults.Thresholds);
        Assert.Empty(defaults.Warnings);
    }

    [Fact]
    public void Fit_StartsEachRun_WithNoWarningsOrMeasurementsOfThePreviousOne()
    {
        // Given a monitor that warns after 8 winning steps, on a GAN that always wins (8 steps per epoch)
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.0, new NonSaturatingLoss(), 0.95, 0.05);
        using var monitor = new TrainingHealthMonitor(checkEvery: 4, checks: HealthChecks.DiscriminatorWinning, thresholds: WinningAfter8Steps);
        WarningCapture.During(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { monitor }, verbose: FitVerbosity.Silent));

        // When it watches a second run of 1 epoch
        WarningCapture.During(() => gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { monitor }, verbose: FitVerbosity.Silent));

        // Then it holds that run's one warning and one measurement only
        Assert.Equal(HealthChecks.DiscriminatorWinning, Assert.Single(monitor.Warnings).Problem);
        Assert.Single(monitor.Measurements);
    }

    [Fact]
    public void Fit_WarnsThatTheDiscriminatorWins_AtTheCheckThatCompletesWinningSteps()
    {
        // Given a GAN that always wins (8 steps per epoch), watched every 4 steps for NaN and the scores, warning after 12
        // winning steps
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.0, new NonSaturatingLoss(), 0.95, 0.05);
        using var monitor = new TrainingHealthMonitor(checkEvery: 4, checks: HealthChecks.NonFinite | HealthChecks.DiscriminatorWinning, thresholds: new HealthThresholds { WinningSteps = 12 });

        // When it trains for 2 epochs
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { monitor }, verbose: FitVerbosity.Silent));

        // Then the warning came at the check after the 4th step of epoch 2 (steps 4 and 8 of epoch 1, then 4: 12 steps)
        var warning = Assert.Single(monitor.Warnings);
        Assert.Equal((1, 3), (warning.Epoch, warning.Batch));
        Assert.StartsWith("Training health, epoch 2, batch 4: the discriminator is winning: D(x) 0.950 and D(G(z)) 0.050 over the last 12 steps", warning.Message, StringComparison.Ordinal);
        Assert.Equal(warning.Message, Assert.Single(warnings));
    }

    [Fact]
    public void Fit_StopsAtTheStepWhoseNaNItReads_AndWarnsOnce()
    {
        // Given a GAN whose 3rd step logs a NaN loss, watched every 2 steps, and a callback after the monitor that looks
        // at its Stopped after each step
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => step == 2 ? double.NaN : 1.0, new NonSaturatingLoss());
        using var monitor = new TrainingHealthMonitor(checkEvery: 2);
        int? stopSeenAfterBatch = null;
        var probe = new LambdaCallback(onBatchEnd: (batch, _) => stopSeenAfterBatch ??= monitor.Stopped is null ? null : batch);

        // When it trains
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { monitor, probe }, verbose: FitVerbosity.Silent));

        // Then it stopped at the 4th step's check, which the next callback saw at once; the epoch's end (still called)
        // added no second warning and no measurement
        Assert.Equal((0, 3, "d_loss"), monitor.TerminatedAt);
        Assert.Equal(3, stopSeenAfterBatch);
        var stopped = Assert.Single(monitor.Warnings);
        Assert.Equal(new HealthWarning(HealthChecks.NonFinite, 0, 3, Assert.Single(warnings)), stopped);
        Assert.StartsWith("Epoch 1, batch 4 (or up to 1 batches before): invalid d_loss (NaN)", stopped.Message, StringComparison.Ordinal);
        Assert.Empty(monitor.Measurements);
    }

    [Fact]
    public void Fit_GivesNoOtherWarning_AtTheStepThatStopsIt()
    {
        // Given a GAN that always wins, whose 8th step logs a NaN loss, watched every 4 steps by a monitor that would
        // warn of the winning discriminator at that same step (after 8 winning steps)
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => step == 7 ? double.NaN : 1.0, new NonSaturatingLoss(), 0.95, 0.05);
        using var monitor = new TrainingHealthMonitor(checkEvery: 4, checks: HealthChecks.NonFinite | HealthChecks.DiscriminatorWinning, thresholds: WinningAfter8Steps);

        // When it trains
        var warnings = WarningCapture.During(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { monitor }, verbose: FitVerbosity.Silent));

        // Then the stop is its last word: one warning, for the NaN
        var stopped = Assert.Single(monitor.Warnings);
        Assert.Equal((HealthChecks.NonFinite, 0, 7), (stopped.Problem, stopped.Epoch, stopped.Batch));
        Assert.Single(warnings);
    }

    [Fact]
    public void OnBatchEnd_AddsNothing_AfterItStopped_AsWhenADataParallelRankRunsOnToTheAgreedStep()
    {
        // Given a monitor checking every step, played step by step, that stopped at a NaN loss in batch 1
        using var monitor = new TrainingHealthMonitor(checkEvery: 1, checks: HealthChecks.NonFinite);
        using var accumulator = new StepLogAccumulator();
        monitor.OnEpochBegin(0);
        WarningCapture.During(() => EndStep(monitor, accumulator, 0, double.NaN));

        // When more steps end before the loop stops (data-parallel ranks agree on stopping every few steps only)
        var later = WarningCapture.During(() =>
        {
            EndStep(monitor, accumulator, 1, 1.0);
            EndStep(monitor, accumulator, 2, double.NaN);
        });

        // Then they add nothing: one warning, for batch 1
        Assert.Empty(later);
        Assert.Equal(0, Assert.Single(monitor.Warnings).Batch);
    }

    [Fact]
    public void Fit_MeasuresTheGeneratorGradient_OnAtMost256OfTheFixedLatentVectors()
    {
        // Given two monitors measuring only the generator's gradient, one on 300 fixed latent vectors, one on 16, and a
        // callback after them that measures the gradient itself on the first 256 of the 300, on all 300 and on the 16
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.0, new NonSaturatingLoss());
        using var large = SampleGrid.DrawNoise(TinyGan.LatentDim, 300, seed: 5);
        using var small = SampleGrid.DrawNoise(TinyGan.LatentDim, 16, seed: 6);
        using var first256 = large.narrow(0, 0, TrainingHealthMonitor.GradientProbeSize);
        using var onLarge = new TrainingHealthMonitor(large, checks: HealthChecks.VanishingGeneratorGradients);
        using var onSmall = new TrainingHealthMonitor(small, checks: HealthChecks.VanishingGeneratorGradients);
        ITrainingContext? run = null;
        double onFirst256 = 0, onAll300 = 0, onAll16 = 0;
        var probe = new LambdaCallback(onTrainBegin: context => run = context, onEpochEnd: (_, _) =>
        {
            onFirst256 = run!.GeneratorGradientRms(first256);
            onAll300 = run.GeneratorGradientRms(large);
            onAll16 = run.GeneratorGradientRms(small);
        });

        // When it trains for 1 epoch
        gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { onLarge, onSmall, probe }, verbose: FitVerbosity.Silent);

        // Then the first monitor measured on the first 256 vectors (not all 300, which give another value), the second on all 16
        Assert.True(Math.Abs(onAll300 - onFirst256) > 1e-6 * onFirst256, $"300 vectors ({onAll300}) and 256 ({onFirst256}) give the same gradient");
        Assert.Equal(onFirst256, Assert.Single(onLarge.Measurements).GeneratorGradientRms!.Value, 1e-12 * onFirst256);
        Assert.Equal(onAll16, Assert.Single(onSmall.Measurements).GeneratorGradientRms!.Value, 1e-12 * onAll16);
    }

    [Fact]
    public void OnTrainBegin_DrawsItsOwnNoiseOnceForAllRuns_AndNoneWhenGivenSome()
    {
        // Given a run's context, a monitor without fixed noise and one given 8 latent vectors
        using var gan = new ScriptedGan(_ => 1.0);
        var run = ContextOf(gan);
        using var drawing = new TrainingHealthMonitor(checks: HealthChecks.NonFinite);
        using var noise = SampleGrid.DrawNoise(TinyGan.LatentDim, 8, seed: 1);
        using var given = new TrainingHealthMonitor(noise, checks: HealthChecks.NonFinite);
        drawing.OnTrainBegin(run);
        long afterFirstRun = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // When both begin another run
        drawing.OnTrainBegin(run);
        given.OnTrainBegin(run);

        // Then no tensor was made: the first keeps the noise it drew, the second uses the noise it was given
        Assert.Equal(afterFirstRun, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Dispose_ReleasesTheNoise_DrawnOrGiven()
    {
        // Given a monitor that drew its noise at the beginning of a run, and one that keeps a copy of given noise
        using var gan = new ScriptedGan(_ => 1.0);
        var run = ContextOf(gan);
        var drawing = new TrainingHealthMonitor(checks: HealthChecks.NonFinite);
        drawing.OnTrainBegin(run);
        using var noise = SampleGrid.DrawNoise(TinyGan.LatentDim, 8, seed: 1);
        var given = new TrainingHealthMonitor(noise, checks: HealthChecks.NonFinite);
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // When both are disposed
        drawing.Dispose();
        given.Dispose();

        // Then each released its one tensor
        Assert.Equal(before - 2, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    private static GanModel SmallImageGan(GanLoss loss)
    {
        RandomSeed.Set(42);
        var generator = new Sequential(new Layer[] { new Dense(32, "relu"), new Dense(256, "tanh") }, inputShape: new long[] { 4 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(32), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 256 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim: 4, seed: 42);
        gan.Compile(new Adam(1e-3, 0.5, 0.999), new Adam(1e-3, 0.5, 0.999), loss);
        return gan;
    }

    /// <summary>The context of a finished 1-epoch run of <paramref name="gan"/>, to call a monitor's hooks with directly.</summary>
    private static ITrainingContext ContextOf(GanModel gan)
    {
        ITrainingContext? run = null;
        using var data = TinyGan.Data();
        gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new LambdaCallback(onTrainBegin: context => run = context) }, verbose: FitVerbosity.Silent);
        return run!;
    }

    /// <summary>Plays the end of one step that logged <paramref name="loss"/> as d_loss, as the fit loop does.</summary>
    private static void EndStep(TrainingHealthMonitor monitor, StepLogAccumulator accumulator, int batch, double loss)
    {
        using var scope = torch.NewDisposeScope();
        var logs = accumulator.Add(new Dictionary<string, torch.Tensor> { ["d_loss"] = torch.tensor(loss) });
        monitor.OnBatchEnd(batch, logs);
        logs.Release();
    }

    private void Log(TrainingHealthMonitor monitor)
    {
        foreach (var m in monitor.Measurements)
            output.WriteLine(FormattableString.Invariant($"epoch {m.Epoch + 1}: D(x) {m.RealScore:F4} D(G(z)) {m.FakeScore:F4} spread {m.SampleSpread:G4} modes {m.ModesCovered} gradient RMS {m.GeneratorGradientRms:G4}"));
        foreach (var w in monitor.Warnings) output.WriteLine(w.Message);
    }

    /// <summary>A generator that ignores its noise: a Dense layer applied to zeros, so its output is its (trainable) bias.</summary>
    private sealed class ConstantGenerator : Model
    {
        private readonly Dense dense = new(2);

        public ConstantGenerator() : base("generator") => RegisterComponents();

        public override torch.Tensor Call(torch.Tensor inputs, bool training = false) => dense.Call(inputs * 0, training);
    }
}
