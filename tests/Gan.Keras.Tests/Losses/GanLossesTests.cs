using Gan.Keras.Losses;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class GanLossesTests
{
    [Theory]
    [InlineData("minimax", typeof(MinimaxLoss))]
    [InlineData("non-saturating", typeof(NonSaturatingLoss))]
    [InlineData("lsgan", typeof(LeastSquaresLoss))]
    [InlineData("wgan", typeof(WassersteinLoss))]
    [InlineData("WGAN-GP", typeof(WassersteinGpLoss))]
    [InlineData("hinge", typeof(HingeLoss))]
    [InlineData("r1", typeof(NonSaturatingLoss))]
    public void FromName_CreatesTheNamedLoss(string name, Type expected)
    {
        // Given / When
        var loss = GanLosses.FromName(name);

        // Then
        Assert.IsType(expected, loss);
    }

    [Fact]
    public void FromName_R1_AddsTheR1PenaltyToTheNonSaturatingLoss()
    {
        // Given / When
        var loss = GanLosses.FromName("non-saturating-r1");

        // Then
        var penalty = Assert.IsType<R1Penalty>(loss.Penalty);
        Assert.Equal(5.0, penalty.Weight);
    }

    [Fact]
    public void FromName_RaisesClearError_WhenNameIsUnknown()
    {
        // Given / When
        var error = Assert.Throws<ArgumentException>(() => GanLosses.FromName("wgan-lp"));

        // Then
        Assert.Contains("Unknown GAN loss 'wgan-lp'", error.Message, StringComparison.Ordinal);
        Assert.Contains("wgan-gp", error.Message, StringComparison.Ordinal);
        Assert.Equal(7, GanLosses.Names.Count);
    }
}
