using Gan.Keras.Metrics;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Metrics;

public class CategoricalAccuracyTests
{
    [Fact]
    public void UpdateState_ComparesTheHighestScoringClassWithTheOneHotTarget()
    {
        // Given one-hot targets for classes 2, 0, 1 and scores whose highest classes are 2, 1, 1
        using var scope = torch.NewDisposeScope();
        using var accuracy = new CategoricalAccuracy();
        var targets = torch.tensor(new float[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, new long[] { 3, 3 });
        var scores = torch.tensor(new float[] { 0.1f, 0.2f, 0.7f, 0.3f, 0.6f, 0.1f, 0.2f, 0.5f, 0.3f }, new long[] { 3, 3 });

        // When
        accuracy.UpdateState(targets, scores);

        // Then 2 of 3
        Assert.Equal(2 / 3f, accuracy.Result().item<float>(), 6);
        Assert.Equal("categorical_accuracy", accuracy.Name);
    }
}
