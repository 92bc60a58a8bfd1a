using Gan.Keras.Losses;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class WassersteinGpLossTests
{
    [Fact]
    public void MeetsGanLossContract()
    {
        // Given the WGAN-GP loss (its penalty is added by GanModel, not by these terms)
        // When the contract runs
        // Then the terms are the Wasserstein ones: −1 and 0.375
        GanLossContract.Verify(new GanLossCase(() => new WassersteinGpLoss(), GanLossContract.Real, GanLossContract.Fake, -1.0, 0.375, ErrorName: "WassersteinLoss"));
    }

    [Fact]
    public void Penalty_IsThePerExampleInterpolationPenaltyWithWeightTen_AndNoClipping()
    {
        // Given / When
        var loss = new WassersteinGpLoss();

        // Then
        var penalty = Assert.IsType<WassersteinGradientPenalty>(loss.Penalty);
        Assert.Equal(10.0, penalty.Weight);
        Assert.Null(loss.CriticWeightClip);
    }
}
