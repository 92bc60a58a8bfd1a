using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class BinaryCrossentropyTests
{
    [Fact]
    public void Probabilities_AreClippedToKerasEpsilon_SoTheLossStaysFinite()
    {
        var bce = new BinaryCrossentropy();
        using var y = torch.tensor(new float[] { 1, 0, 1, 1 }, new long[] { 4, 1 });
        using var p = torch.tensor(new float[] { 0.9f, 0.2f, 1f, 0f }, new long[] { 4, 1 });

        using var loss = bce.Call(y, p);

        // −log 0.9, −log 0.8, −log(1−1e-7), −log 1e-7 → mean 4.111649954482591 (hand-computed)
        Assert.Equal(4.111649954482591, loss.item<float>(), 5);
    }

    [Fact]
    public void Logits_UseTheStableFormula()
    {
        var bce = new BinaryCrossentropy(fromLogits: true);
        using var y = torch.tensor(new float[] { 1, 0, 1, 0 }, new long[] { 4, 1 });
        using var x = torch.tensor(new float[] { 2, -1, 0, 3 }, new long[] { 4, 1 });

        using var loss = bce.Call(y, x);

        Assert.Equal(1.0454810576737206, loss.item<float>(), 6);
    }

    [Fact]
    public void LabelSmoothing_MovesTargetsTowardsOneHalf()
    {
        var smoothed = new BinaryCrossentropy(fromLogits: true, labelSmoothing: 0.2);
        var plain = new BinaryCrossentropy(fromLogits: true);
        using var x = torch.tensor(new float[] { 2, -1 }, new long[] { 2, 1 });

        using var a = smoothed.Call(torch.tensor(new float[] { 1, 0 }, new long[] { 2, 1 }), x);
        using var b = plain.Call(torch.tensor(new float[] { 0.9f, 0.1f }, new long[] { 2, 1 }), x);

        Assert.Equal(b.item<float>(), a.item<float>(), 6);
    }

    [Fact]
    public void FromLogits_WarnsOnce_WhenGivenTheOutputOfASigmoid()
    {
        var warnings = new List<string>();
        var previous = Warnings.Handler;
        Warnings.Handler = warnings.Add;
        try
        {
            var bce = new BinaryCrossentropy(fromLogits: true);
            using var layer = new Dense(1, "sigmoid");
            using var y = torch.ones(3, 1);

            bce.Call(y, layer.Call(torch.randn(3, 2))).Dispose();
            bce.Call(y, layer.Call(torch.randn(3, 2))).Dispose();
            bce.Call(y, torch.randn(3, 1)).Dispose();

            var warning = Assert.Single(warnings);
            Assert.Contains("sigmoid", warning, StringComparison.Ordinal);
            Assert.Contains("fromLogits: false", warning, StringComparison.Ordinal);
        }
        finally
        {
            Warnings.Handler = previous;
        }
    }

    [Fact]
    public void Call_RejectsMismatchedShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BinaryCrossentropy().Call(torch.ones(4, 1), torch.ones(4)));

        Assert.Contains("[4, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);
    }
}
