using Gan.Keras.Metrics;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Metrics;

public class MeanTests
{
    [Fact]
    public void Result_IsZeroBeforeAnyUpdate_ThenTheMeanOfEveryValueAdded()
    {
        // Given a mean
        using var scope = torch.NewDisposeScope();
        using var mean = new Mean();
        float before = mean.Result().item<float>();

        // When a batch [1, 2, 3] and a scalar 10 are added
        mean.UpdateState(torch.tensor(new float[] { 1, 2, 3 }));
        mean.UpdateState(torch.tensor(10f));

        // Then (1 + 2 + 3 + 10)/4
        Assert.Equal(0f, before);
        Assert.Equal(4f, mean.Result().item<float>());
        Assert.Equal("mean", mean.Name);
    }

    [Fact]
    public void SampleWeights_WeighEachExample()
    {
        // Given values [1, 3] with weights [3, 1]
        using var scope = torch.NewDisposeScope();
        using var mean = new Mean("d_loss");

        // When
        mean.UpdateState(torch.tensor(new float[] { 1, 3 }), torch.tensor(new float[] { 3, 1 }));

        // Then (3·1 + 1·3)/(3 + 1)
        Assert.Equal(1.5f, mean.Result().item<float>());
    }

    [Fact]
    public void RowsOfValues_CountAsOneExampleEach()
    {
        // Given rows [1, 3] and [5, 7] with weights [1, 3]: row means 2 and 6
        using var scope = torch.NewDisposeScope();
        using var mean = new Mean();

        // When
        mean.UpdateState(torch.tensor(new float[] { 1, 3, 5, 7 }, new long[] { 2, 2 }), torch.tensor(new float[] { 1, 3 }));

        // Then (1·2 + 3·6)/4 = 5 (Keras's sample-wise reduction)
        Assert.Equal(5f, mean.Result().item<float>());
    }

    [Fact]
    public void ResetState_StartsAgain()
    {
        using var scope = torch.NewDisposeScope();
        using var mean = new Mean();
        mean.UpdateState(torch.tensor(new float[] { 8 }));

        mean.ResetState();
        mean.UpdateState(torch.tensor(new float[] { 2 }));

        Assert.Equal(2f, mean.Result().item<float>());
    }

    [Fact]
    public void Updates_KeepTheStateOnTheDevice_WithoutLeakingTensors()
    {
        // Given a mean updated once (its state exists)
        using var mean = new Mean();
        using (var warmup = torch.tensor(new float[] { 1 })) mean.UpdateState(warmup);
        using var values = torch.tensor(new float[] { 1, 2 });
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        // When it is updated a hundred times
        for (int i = 0; i < 100; i++) mean.UpdateState(values);

        // Then the number of live tensors stays flat
        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        using var result = mean.Result();
        Assert.Equal((1 + 100 * 3) / 201f, result.item<float>(), 5);
    }

    [Fact]
    public void UpdateState_RejectsWeightsThatDoNotBroadcast()
    {
        using var mean = new Mean();

        var error = Assert.Throws<ArgumentException>(() => mean.UpdateState(torch.ones(4), torch.ones(3)));

        Assert.Equal("sampleWeight", error.ParamName);
    }
}
