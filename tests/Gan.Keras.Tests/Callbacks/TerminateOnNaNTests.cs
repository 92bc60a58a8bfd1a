using Gan.Keras.Callbacks;
using Gan.Keras.Internal;
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
}
