using Gan.Keras.Losses;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class MeanAbsoluteErrorTests
{
    [Fact]
    public void Call_AveragesAbsoluteErrorsOverTheLastAxis_ThenOverTheBatch()
    {
        // Given targets [[0, 1], [1, 1]] and predictions [[0.5, 0], [2, 1]]
        using var scope = torch.NewDisposeScope();
        var y = torch.tensor(new float[] { 0, 1, 1, 1 }, new long[] { 2, 2 });
        var p = torch.tensor(new float[] { 0.5f, 0, 2, 1 }, new long[] { 2, 2 });

        // When
        var loss = new MeanAbsoluteError().Call(y, p);

        // Then ((0.5 + 1)/2 + (1 + 0)/2)/2 = 0.625
        Assert.Equal(0.625, loss.item<float>(), 6);
    }

    [Fact]
    public void Call_OnImages_IsTheMeanOverEveryPixel()
    {
        // Given two 1x2x2 images differing by 1, 2, 0, 3 and 0, 0, 0, 2
        using var scope = torch.NewDisposeScope();
        var y = torch.zeros(2, 1, 2, 2);
        var p = torch.tensor(new float[] { 1, -2, 0, 3, 0, 0, 0, -2 }, new long[] { 2, 1, 2, 2 });

        // When
        var loss = new MeanAbsoluteError().Call(y, p);

        // Then (1 + 2 + 0 + 3 + 0 + 0 + 0 + 2)/8 = 1
        Assert.Equal(1.0, loss.item<float>(), 6);
    }

    [Fact]
    public void Call_RejectsMismatchedShapes()
    {
        var error = Assert.Throws<ArgumentException>(() => new MeanAbsoluteError().Call(torch.ones(3), torch.ones(4)));

        Assert.Contains("[3]", error.Message, StringComparison.Ordinal);
    }
}
