using Gan.Keras.Optimizers;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using Xunit;

namespace Gan.Keras.Tests.Optimizers;

public class DynamicLossScaleTests
{
    [Fact]
    public void ApplyGradients_DividesScaledGradientsByTheScale()
    {
        // Given SGD (lr 0.5) with a loss scale of 1024, and a gradient taken of a loss scaled by it
        var sgd = new SGD(0.5) { LossScale = new DynamicLossScale(initialScale: 1024) };
        using var variable = new Parameter(torch.tensor(new[] { 3f, -1f }), requires_grad: true);
        using var scaled = torch.tensor(new[] { 2f, -6f }) * 1024;

        // When it is applied
        sgd.ApplyGradients(new[] { scaled }, new[] { variable });

        // Then the update is the unscaled gradient's: 3 - 0.5·2 and -1 + 0.5·6
        Assert.Equal(new[] { 2f, 2f }, variable.data<float>().ToArray());
        Assert.Equal(1, sgd.Iterations);
    }

    [Theory]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NaN)]
    public void NonFiniteGradient_SkipsTheUpdate_HalvesTheScale_AndResetsTheGoodSteps(float bad)
    {
        // Given Adam with a loss scale that has had two good steps already
        var adam = new Adam(0.1) { LossScale = new DynamicLossScale(initialScale: 256, growthSteps: 10) };
        using var variable = new Parameter(torch.tensor(new[] { 1f, 2f }), requires_grad: true);
        adam.ApplyGradients(new[] { torch.tensor(new[] { 256f, -256f }) }, new[] { variable });
        adam.ApplyGradients(new[] { torch.tensor(new[] { 512f, 128f }) }, new[] { variable });
        var before = variable.detach().clone();
        var stateBefore = adam.GetState();

        // When a gradient holds an infinity or a NaN
        adam.ApplyGradients(new[] { torch.tensor(new[] { bad, 1f }) }, new[] { variable });

        // Then the variable and the moments are untouched, the step does not count, and the scale is halved
        Assert.True(variable.eq(before).all().item<bool>());
        Assert.True(adam.GetState()["0.m"].eq(stateBefore["0.m"]).all().item<bool>());
        Assert.True(adam.GetState()["0.v"].eq(stateBefore["0.v"]).all().item<bool>());
        Assert.Equal(2, adam.Iterations);
        Assert.Equal(128, adam.LossScale.Scale);
        Assert.Equal(0, adam.LossScale.GoodSteps);
        Assert.Equal(1, adam.LossScale.SkippedSteps);
    }

    [Fact]
    public void Scale_DoublesAfterGrowthStepsFiniteUpdatesInARow()
    {
        // Given a loss scale that grows after 3 good steps
        var sgd = new SGD(0.01) { LossScale = new DynamicLossScale(initialScale: 8, growthSteps: 3) };
        using var variable = new Parameter(torch.tensor(new[] { 1f }), requires_grad: true);
        var scales = new List<double>();

        // When 7 finite updates are applied, one infinite one, then 3 finite
        for (int i = 0; i < 11; i++)
        {
            using var grad = torch.tensor(new[] { i == 7 ? float.PositiveInfinity : 1f });
            sgd.ApplyGradients(new[] { grad }, new[] { variable });
            scales.Add(sgd.LossScale!.Scale);
        }

        // Then it doubles after the 3rd and 6th, halves at the skip, and doubles again 3 good steps later
        Assert.Equal(new double[] { 8, 8, 16, 16, 16, 32, 32, 16, 16, 16, 32 }, scales);
        Assert.Equal(10, sgd.Iterations);
    }

    [Fact]
    public void State_SavesAndRestoresTheScaleAndGoodSteps()
    {
        // Given an optimizer whose scale has moved (one skip, one good step)
        var adam = new Adam(0.1) { LossScale = new DynamicLossScale(initialScale: 64, growthSteps: 5) };
        using var variable = new Parameter(torch.tensor(new[] { 1f }), requires_grad: true);
        adam.ApplyGradients(new[] { torch.tensor(new[] { float.NaN }) }, new[] { variable });
        adam.ApplyGradients(new[] { torch.tensor(new[] { 32f }) }, new[] { variable });

        // When its state is restored into a fresh optimizer with a fresh loss scale
        var state = adam.GetState();
        var restored = new Adam(0.1) { LossScale = new DynamicLossScale(initialScale: 64, growthSteps: 5) };
        restored.SetState(state, new[] { variable });

        // Then the scale, the good steps and the iterations carry over
        Assert.Equal(32, restored.LossScale.Scale);
        Assert.Equal(1, restored.LossScale.GoodSteps);
        Assert.Equal(1, restored.Iterations);
        Assert.Equal(torch.ScalarType.Float64, state["loss_scale"].dtype);
    }

    [Fact]
    public void Constructor_RefusesNonPositiveScale_AndGrowthSteps()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScale(initialScale: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScale(initialScale: double.PositiveInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => new DynamicLossScale(growthSteps: 0));
    }
}
