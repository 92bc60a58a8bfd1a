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
    public void Probabilities_TakeTargetsOutsideZeroToOne_AsTensorFlowsKeras()
    {
        // Given keras-io DCGAN's noisy labels: targets 1.05 and −0.02 for probabilities 0.8 and 0.3
        var bce = new BinaryCrossentropy();
        using var y = torch.tensor(new float[] { 1.05f, -0.02f }, new long[] { 2, 1 });
        using var p = torch.tensor(new float[] { 0.8f, 0.3f }, new long[] { 2, 1 }).requires_grad_(true);

        // When
        using var loss = bce.Call(y, p);
        loss.backward();

        // Then −(y·log p + (1 − y)·log(1 − p)), mean 0.24677890999460175, and its gradient (p − y)/(p(1 − p))/2 (hand-computed)
        Assert.Equal(0.24677890999460175, loss.item<float>(), 5);
        var grad = p.grad!.data<float>().ToArray();
        Assert.Equal(-0.78125, grad[0], 4);
        Assert.Equal(0.761904761904762, grad[1], 4);
    }

    [Fact]
    public void Probabilities_AreClippedBelowOne_SoACertainWrongAnswerCostsMinusLogEpsilon()
    {
        // Given a prediction of exactly 1 for a target of 0
        var bce = new BinaryCrossentropy();
        using var y = torch.zeros(1, 1);
        using var p = torch.ones(1, 1);

        // When
        using var loss = bce.Call(y, p);

        // Then the prediction was clipped to 1 − 1e-7 (in float32, 1 − 2⁻²³): −log(2⁻²³) = 15.94, not libtorch's cap of 100
        Assert.Equal(-Math.Log(1 - (double)(float)(1 - 1e-7)), loss.item<float>(), 3);
    }

    [Theory]
    [InlineData(0.0, 1e-7)]
    [InlineData(1.0, 1e-7)]
    [InlineData(0.5, 0.0)]
    [InlineData(0.5, 0.4999)]
    public void Constructor_AcceptsSmoothingInZeroToOne_AndEpsilonInZeroToOneHalf(double labelSmoothing, double epsilon)
    {
        var bce = new BinaryCrossentropy(labelSmoothing: labelSmoothing, epsilon: epsilon);

        Assert.Equal((labelSmoothing, epsilon), (bce.LabelSmoothing, bce.Epsilon));
    }

    [Theory]
    [InlineData(-0.01, 1e-7, "labelSmoothing")]
    [InlineData(1.01, 1e-7, "labelSmoothing")]
    [InlineData(0.0, -1e-9, "epsilon")]
    [InlineData(0.0, 0.5, "epsilon")]
    public void Constructor_RejectsSmoothingOrEpsilonOutOfRange_NamingIt(double labelSmoothing, double epsilon, string parameter)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BinaryCrossentropy(labelSmoothing: labelSmoothing, epsilon: epsilon));

        Assert.Equal(parameter, error.ParamName);
    }

    [Fact]
    public void Call_RejectsNullTargetsOrPredictions_NamingThem()
    {
        using var x = torch.ones(2, 1);

        Assert.Equal("yTrue", Assert.Throws<ArgumentNullException>(() => new BinaryCrossentropy().Call(null!, x)).ParamName);
        Assert.Equal("yPred", Assert.Throws<ArgumentNullException>(() => new BinaryCrossentropy().Call(x, null!)).ParamName);
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
        var bce = new BinaryCrossentropy(fromLogits: true);
        using var layer = new Dense(1, "sigmoid");
        using var y = torch.ones(3, 1);

        var onLogits = WarningCapture.During(() => bce.Call(y, torch.randn(3, 1)).Dispose());
        Assert.Empty(onLogits);
        var warnings = WarningCapture.During(() =>
        {
            bce.Call(y, layer.Call(torch.randn(3, 2))).Dispose();
            bce.Call(y, layer.Call(torch.randn(3, 2))).Dispose();
            bce.Call(y, torch.randn(3, 1)).Dispose();
        });

        var warning = Assert.Single(warnings);
        Assert.Contains("sigmoid", warning, StringComparison.Ordinal);
        Assert.Contains("fromLogits: false", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_RejectsMismatchedShapes()
    {
        var ex = Assert.Throws<ArgumentException>(() => new BinaryCrossentropy().Call(torch.ones(4, 1), torch.ones(4)));

        Assert.Contains("[4, 1]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);
    }
}
