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
        var warnings = CaptureWarnings(() => gan.Fit(data, epochs: 100, batchSize: 64, callbacks: new Callback[] { monitor, checkpoint }));

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
        var warnings = CaptureWarnings(() => gan.Fit(data, epochs: 5, batchSize: 64, callbacks: new Callback[] { poison, monitor, new ModelCheckpoint(folder) }));

        // Then the weight check stopped it at epoch 2, naming the weight, and the newest checkpoint is epoch 1's
        Assert.Equal((1, 7, "generator.dense_0.kernel"), monitor.TerminatedAt);
        Assert.Contains(warnings, w => w.StartsWith("Epoch 2: weight 'generator.dense_0.kernel' holds NaN or infinity", StringComparison.Ordinal));
        Assert.Equal(1, new CheckpointManager(folder).Latest!.Epoch);
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
        var warnings = CaptureWarnings(() => gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { monitor }));

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
        var warnings = CaptureWarnings(() => gan.Fit(data, epochs: 24, batchSize: 4, callbacks: new Callback[] { monitor }));

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
        var warnings = CaptureWarnings(() => gan.Fit(data, epochs: 22, batchSize: 8, callbacks: new Callback[] { monitor }));

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
        var warnings = CaptureWarnings(() => gan.Fit(data, epochs: 12, batchSize: 64, callbacks: new Callback[] { monitor }));

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
        CaptureWarnings(() => watched.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { monitor }));
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
        CaptureWarnings(() => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { monitor }));

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
        CaptureWarnings(() => critic.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { watchingCritic }, verbose: FitVerbosity.Silent));
        CaptureWarnings(() => probabilities.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { watchingProbabilities }, verbose: FitVerbosity.Silent));

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

    private static GanModel SmallImageGan(GanLoss loss)
    {
        RandomSeed.Set(42);
        var generator = new Sequential(new Layer[] { new Dense(32, "relu"), new Dense(256, "tanh") }, inputShape: new long[] { 4 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(32), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 256 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim: 4, seed: 42);
        gan.Compile(new Adam(1e-3, 0.5, 0.999), new Adam(1e-3, 0.5, 0.999), loss);
        return gan;
    }

    private static List<string> CaptureWarnings(Action action)
    {
        var warnings = new List<string>();
        var previous = Warnings.Handler;
        Warnings.Handler = warnings.Add;
        try
        {
            action();
        }
        finally
        {
            Warnings.Handler = previous;
        }
        return warnings;
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
