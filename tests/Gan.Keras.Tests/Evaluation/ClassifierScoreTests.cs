using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class ClassifierScoreTests
{
    [Fact]
    public void FromLogits_IsNumberOfClasses_ForConfidentEvenPredictions()
    {
        // Given confident predictions that use the 10 classes equally
        using var scope = torch.NewDisposeScope();
        var logits = torch.nn.functional.one_hot(torch.arange(1_000) % 10, 10).to_type(torch.float64) * 50;

        // When the score is computed over 10 splits
        var (mean, std) = ClassifierScore.FromLogits(logits, splits: 10);

        // Then it is 10 in every split
        Assert.Equal(10, mean, 6);
        Assert.Equal(0, std, 6);
    }

    [Fact]
    public void FromLogits_IsOne_ForCollapsedOrUncertainPredictions()
    {
        // Given confident predictions of one class, and uniform predictions
        using var scope = torch.NewDisposeScope();
        var collapsed = torch.nn.functional.one_hot(torch.full(100, 3L), 10).to_type(torch.float64) * 50;
        var uncertain = torch.zeros(100, 10);

        // When scores are computed
        var (collapsedScore, _) = ClassifierScore.FromLogits(collapsed, splits: 5);
        var (uncertainScore, _) = ClassifierScore.FromLogits(uncertain, splits: 5);

        // Then both are 1, the minimum
        Assert.Equal(1, collapsedScore, 6);
        Assert.Equal(1, uncertainScore, 6);
    }

    [Fact]
    public void FromLogits_MatchesHandComputedValue_ForTwoClasses()
    {
        // Given one split with p(y|x) = (1, 0) and (0.5, 0.5): p(y) = (0.75, 0.25);
        // KL₁ = log(1/0.75), KL₂ = 0.5 log(0.5/0.75) + 0.5 log(0.5/0.25)
        using var scope = torch.NewDisposeScope();
        var logits = torch.tensor(new[] { 0.0, double.NegativeInfinity, 0.0, 0.0 }, new long[] { 2, 2 });

        // When the score is computed
        var (score, _) = ClassifierScore.FromLogits(logits, splits: 1);

        // Then it is exp of the mean KL
        double expected = Math.Exp((Math.Log(1 / 0.75) + 0.5 * Math.Log(0.5 / 0.75) + 0.5 * Math.Log(2)) / 2);
        Assert.Equal(expected, score, 10);
    }
}
