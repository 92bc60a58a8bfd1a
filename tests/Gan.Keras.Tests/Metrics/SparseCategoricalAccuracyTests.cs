using Gan.Keras.Metrics;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Metrics;

public class SparseCategoricalAccuracyTests
{
    [Fact]
    public void UpdateState_ComparesTheHighestScoringClassWithTheLabel()
    {
        // Given labels [2, 0, 1] and scores whose highest classes are 2, 1, 1
        using var scope = torch.NewDisposeScope();
        using var accuracy = new SparseCategoricalAccuracy();
        var scores = torch.tensor(new float[] { 0.1f, 0.2f, 0.7f, 0.3f, 0.6f, 0.1f, 0.2f, 0.5f, 0.3f }, new long[] { 3, 3 });

        // When the labels come as [batch], then as [batch, 1]
        accuracy.UpdateState(torch.tensor(new long[] { 2, 0, 1 }), scores);
        float first = accuracy.Result().item<float>();
        accuracy.UpdateState(torch.tensor(new long[] { 1 }, new long[] { 1, 1 }), scores[..1]);

        // Then 2/3, then 2/4 (the fourth predicts 2, not 1)
        Assert.Equal(2 / 3f, first, 6);
        Assert.Equal(0.5f, accuracy.Result().item<float>(), 6);
        Assert.Equal("sparse_categorical_accuracy", accuracy.Name);
    }

    [Fact]
    public void UpdateState_RejectsLabelsThatDoNotFitTheScores()
    {
        using var accuracy = new SparseCategoricalAccuracy();

        var error = Assert.Throws<ArgumentException>(() => accuracy.UpdateState(torch.zeros(new long[] { 4 }, torch.int64), torch.ones(3, 10)));

        Assert.Contains("[3, 10]", error.Message, StringComparison.Ordinal);
    }
}
