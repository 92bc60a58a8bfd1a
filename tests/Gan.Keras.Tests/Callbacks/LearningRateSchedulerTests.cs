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
    public void Schedule_ThatReturnsNoRate_StopsTrainingWithAClearError()
    {
        using var gan = TinyGan.Create();
        using var data = TinyGan.Data();

        var error = Assert.Throws<InvalidOperationException>(() => gan.Fit(data, callbacks: new Callback[] { new LearningRateScheduler(_ => double.NaN) }));

        Assert.Contains("returned NaN for step 0", error.Message, StringComparison.Ordinal);
    }
}
