using Gan.Keras.Callbacks;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class LearningRateSchedulerTests
{
    [Fact]
    public void Linear_DecaysBothOptimizersStepByStep_ThenHolds()
    {
        // Given a tiny GAN (8 steps per epoch) and a decay from 1e-3 to 1e-4 over 10 steps
        using var gan = TinyGan.Create();
        using var data = TinyGan.Data();
        var scheduler = LearningRateScheduler.Linear(1e-3, 1e-4, steps: 10);
        var seen = new List<double>();
        var probe = new LambdaCallback(onBatchEnd: (_, _) => seen.Add(gan.GeneratorOptimizer.LearningRate));

        // When it trains two epochs
        gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Callback[] { scheduler, probe });

        // Then step s ran at 1e-3 - 9e-5 s until step 10, then at 1e-4, for both networks
        Assert.Equal(16, seen.Count);
        for (int s = 0; s < 16; s++) Assert.Equal(1e-3 - 9e-5 * Math.Min(s, 10), seen[s], 12);
        Assert.Equal(1e-4, gan.DiscriminatorOptimizer.LearningRate, 12);
    }

    [Fact]
    public void ResumedRun_CountsStepsFromItsInitialEpoch()
    {
        // Given a tiny GAN (8 steps per epoch) resumed at epoch 1, and a schedule that is its step number
        using var gan = TinyGan.Create();
        using var data = TinyGan.Data();
        var scheduler = new LearningRateScheduler(step => 1e-4 * (step + 1));
        var seen = new List<double>();
        var probe = new LambdaCallback(onBatchEnd: (_, _) => seen.Add(gan.GeneratorOptimizer.LearningRate));

        // When it trains epoch 1 (the second)
        gan.Fit(data, epochs: 2, batchSize: 64, initialEpoch: 1, callbacks: new Callback[] { scheduler, probe });

        // Then its steps are steps 8 to 15 of the run
        Assert.Equal(Enumerable.Range(8, 8).Select(step => 1e-4 * (step + 1)), seen, (a, b) => Math.Abs(a - b) < 1e-15);
        Assert.Equal(1.6e-3, scheduler.CurrentRate, 15);
    }

    [Theory]
    [InlineData(0.0, 1e-4)]
    [InlineData(1e-3, 0.0)]
    [InlineData(-1e-3, 1e-4)]
    [InlineData(1e-3, -1e-4)]
    [InlineData(double.NaN, 1e-4)]
    [InlineData(double.PositiveInfinity, 1e-4)]
    [InlineData(1e-3, double.PositiveInfinity)]
    public void Linear_RefusesRatesThatAreNotPositiveAndFinite(double from, double to)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateScheduler.Linear(from, to, steps: 10));

        Assert.Equal("from", error.ParamName);
        Assert.Contains("must be positive and finite", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Linear_RefusesADecayOfNoSteps()
    {
        Assert.Equal("steps", Assert.Throws<ArgumentOutOfRangeException>(() => LearningRateScheduler.Linear(1e-3, 1e-4, steps: 0)).ParamName);
    }

    [Theory]
    [InlineData(double.NaN, "NaN")]
    [InlineData(0.0, "0")]
    [InlineData(-1e-3, "-0.001")]
    [InlineData(double.PositiveInfinity, "Infinity")]
    public void Schedule_ThatReturnsNoRate_StopsTrainingWithAClearError(double rate, string shown)
    {
        using var gan = TinyGan.Create();
        using var data = TinyGan.Data();

        var error = Assert.Throws<InvalidOperationException>(() => gan.Fit(data, callbacks: new Callback[] { new LearningRateScheduler(_ => rate) }));

        Assert.Contains($"returned {shown} for step 0", error.Message, StringComparison.Ordinal);
    }
}
