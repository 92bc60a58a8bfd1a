using Gan.Keras.Losses;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class WassersteinLossTests
{
    [Fact]
    public void MeetsGanLossContract()
    {
        // Given r = [1, −1, 2, 0.5] (mean 0.625), f = [−0.5, 0, 1, −2] (mean −0.375)
        // When the contract runs
        // Then the critic loss is mean f − mean r = −1 and the generator loss −mean f = 0.375
        GanLossContract.Verify(new GanLossCase(() => new WassersteinLoss(), GanLossContract.Real, GanLossContract.Fake,
            -1.0, 0.375, WassersteinLoss.DiscriminatorTerm, WassersteinLoss.GeneratorTerm));
    }

    [Fact]
    public void WeightClip_DefaultsToThePapersHundredth()
    {
        // Given / When
        var loss = new WassersteinLoss();

        // Then
        Assert.Equal(0.01, loss.CriticWeightClip);
        Assert.Null(new WassersteinLoss(weightClip: null).CriticWeightClip);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WassersteinLoss(weightClip: 0));
    }
}
