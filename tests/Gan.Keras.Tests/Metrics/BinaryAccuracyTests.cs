using Gan.Keras.Metrics;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Metrics;

public class BinaryAccuracyTests
{
    [Fact]
    public void UpdateState_ThresholdsAboveOneHalf_AndAccumulatesOverBatches()
    {
        // Given targets [1, 0, 1, 0, 1] and probabilities [0.9, 0.5, 0.5, 0.2, 0.7]: predicted [1, 0, 0, 0, 1]
        using var scope = torch.NewDisposeScope();
        using var accuracy = new BinaryAccuracy();

        // When that batch, then one wrong prediction, are added
        accuracy.UpdateState(torch.tensor(new float[] { 1, 0, 1, 0, 1 }), torch.tensor(new float[] { 0.9f, 0.5f, 0.5f, 0.2f, 0.7f }));
        float first = accuracy.Result().item<float>();
        accuracy.UpdateState(torch.tensor(new float[] { 0 }), torch.tensor(new float[] { 0.6f }));

        // Then 4/5 (0.5 is not above the threshold), then 4/6
        Assert.Equal(0.8f, first, 6);
        Assert.Equal(4 / 6f, accuracy.Result().item<float>(), 6);
        Assert.Equal("binary_accuracy", accuracy.Name);
    }

    [Fact]
    public void ScoresShapedBatchByOne_MatchLabelsShapedBatch()
    {
        // Given labels [batch] and a sigmoid's output [batch, 1]
        using var scope = torch.NewDisposeScope();
        using var accuracy = new BinaryAccuracy();

        // When
        accuracy.UpdateState(torch.tensor(new float[] { 1, 0, 0 }), torch.tensor(new float[] { 0.8f, 0.1f, 0.9f }, new long[] { 3, 1 }));

        // Then 2 of 3
        Assert.Equal(2 / 3f, accuracy.Result().item<float>(), 6);
    }

    [Fact]
    public void SampleWeights_AndThreshold_AreKeras()
    {
        // Given logits with threshold 0, and weights [1, 1, 3, 1]: the third (weight 3) is wrong
        using var scope = torch.NewDisposeScope();
        using var accuracy = new BinaryAccuracy(threshold: 0);

        // When
        accuracy.UpdateState(torch.tensor(new float[] { 1, 0, 1, 0 }), torch.tensor(new float[] { 2, -1, -0.5f, -3 }), torch.tensor(new float[] { 1, 1, 3, 1 }));

        // Then 3/6
        Assert.Equal(0.5f, accuracy.Result().item<float>(), 6);
    }

    [Fact]
    public void ResetState_ForgetsEarlierBatches()
    {
        using var scope = torch.NewDisposeScope();
        using var accuracy = new BinaryAccuracy();
        accuracy.UpdateState(torch.tensor(new float[] { 1 }), torch.tensor(new float[] { 0.1f }));

        accuracy.ResetState();
        accuracy.UpdateState(torch.tensor(new float[] { 1 }), torch.tensor(new float[] { 0.9f }));

        Assert.Equal(1f, accuracy.Result().item<float>());
    }

    [Fact]
    public void UpdateState_RejectsMismatchedShapes()
    {
        using var accuracy = new BinaryAccuracy();

        var error = Assert.Throws<ArgumentException>(() => accuracy.UpdateState(torch.ones(4), torch.ones(3)));

        Assert.Contains("[4]", error.Message, StringComparison.Ordinal);
    }
}
