using Gan.Keras.Losses;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class MeanSquaredErrorTests
{
    [Fact]
    public void Call_AveragesSquaresOverTheLastAxis_ThenOverTheBatch()
    {
        // Given targets [[0, 1], [1, 1]] and predictions [[0.5, 0], [2, 1]]
        using var scope = torch.NewDisposeScope();
        var y = torch.tensor(new float[] { 0, 1, 1, 1 }, new long[] { 2, 2 });
        var p = torch.tensor(new float[] { 0.5f, 0, 2, 1 }, new long[] { 2, 2 });

        // When
        var loss = new MeanSquaredError().Call(y, p);

        // Then ((0.25 + 1)/2 + (1 + 0)/2)/2 = 0.5625
        Assert.Equal(0.5625, loss.item<float>(), 6);
    }

    [Fact]
    public void Call_OnOneValuePerExample_IsTheMeanSquare()
    {
        // Given [1, 2, 3] against [1.5, 2, 1]
        using var scope = torch.NewDisposeScope();

        // When
        var loss = new MeanSquaredError().Call(torch.tensor(new float[] { 1, 2, 3 }), torch.tensor(new float[] { 1.5f, 2, 1 }));

        // Then (0.25 + 0 + 4)/3
        Assert.Equal(1.4166666666666667, loss.item<float>(), 6);
    }

    [Fact]
    public void Gradient_IsTwiceTheErrorOverTheCount()
    {
        // Given one prediction 3 against 1, and 1 against 1
        using var scope = torch.NewDisposeScope();
        var p = torch.tensor(new float[] { 3, 1 }).requires_grad_(true);

        // When
        var loss = new MeanSquaredError().Call(torch.tensor(new float[] { 1, 1 }), p);
        loss.backward();

        // Then d/dp mean (p − y)² = 2(p − y)/2 = [2, 0]
        Assert.Equal(new float[] { 2, 0 }, p.grad!.data<float>().ToArray());
    }

    [Fact]
    public void Call_RejectsMismatchedShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => new MeanSquaredError().Call(torch.ones(4, 1), torch.ones(4, 2)));

        Assert.Contains("[4, 2]", error.Message, StringComparison.Ordinal);
    }
}
