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

    [Theory]
    [InlineData("saturating", typeof(MinimaxLoss))]
    [InlineData("nsgan", typeof(NonSaturatingLoss))]
    [InlineData("BCE", typeof(NonSaturatingLoss))]
    [InlineData("least-squares", typeof(LeastSquaresLoss))]
    [InlineData("wasserstein", typeof(WassersteinLoss))]
    [InlineData(" hinge ", typeof(HingeLoss))]
    public void FromName_AcceptsEveryAlias_IgnoringCaseAndSpaces(string alias, Type expected)
    {
        Assert.IsType(expected, GanLosses.FromName(alias));
    }

    [Theory]
    [InlineData("minimax", "minimax", true, "Goodfellow et al. 2014")]
    [InlineData("non-saturating", "non-saturating", true, "Goodfellow et al. 2014")]
    [InlineData("non-saturating-r1", "non-saturating", true, "Mescheder et al. 2018")]
    [InlineData("lsgan", "lsgan", false, "Mao et al. 2017")]
    [InlineData("wgan", "wgan", false, "Arjovsky et al. 2017")]
    [InlineData("wgan-gp", "wgan-gp", false, "Gulrajani et al. 2017")]
    [InlineData("hinge", "hinge", false, "Lim & Ye 2017")]
    public void EveryName_CreatesALossThatNamesItself_SaysWhatItsScoresAre_AndCitesItsPaper(string name, string lossName, bool probabilities, string paper)
    {
        var loss = GanLosses.FromName(name);

        Assert.Equal(lossName, loss.Name);
        Assert.Equal(probabilities, loss.ScoresAreProbabilities);
        Assert.Contains(paper, GanLosses.Describe(name), StringComparison.Ordinal);
    }

    [Fact]
    public void Names_AreTheCanonicalNames_InTheirStableOrder()
    {
        Assert.Equal(new[] { "minimax", "non-saturating", "non-saturating-r1", "lsgan", "wgan", "wgan-gp", "hinge" }, GanLosses.Names);
    }

    [Fact]
    public void FromName_RefusesANullOrBlankName()
    {
        Assert.Throws<ArgumentNullException>(() => GanLosses.FromName(null!));
        Assert.Equal("name", Assert.Throws<ArgumentException>(() => GanLosses.FromName("  ")).ParamName);
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
