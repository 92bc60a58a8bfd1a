using Gan.Keras.Metrics;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Metrics;

public class AccuracyTests
{
    [Fact]
    public void UpdateState_CountsExactMatches()
    {
        // Given targets [1, 2, 3, 4] and predictions [1, 2, 0, 4]
        using var scope = torch.NewDisposeScope();
        using var accuracy = new Accuracy();

        // When
        accuracy.UpdateState(torch.tensor(new long[] { 1, 2, 3, 4 }), torch.tensor(new float[] { 1, 2, 0, 4 }));

        // Then 3 of 4
        Assert.Equal(0.75f, accuracy.Result().item<float>());
        Assert.Equal("accuracy", accuracy.Name);
    }
}
