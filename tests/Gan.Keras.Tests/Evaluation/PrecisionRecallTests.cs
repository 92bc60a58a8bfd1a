using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class PrecisionRecallTests
{
    [Fact]
    public void FromActivations_MatchesHandComputedValues_OnALine()
    {
        // Given real points 0, 1, …, 9 (k = 1: every real ball has radius 1) and generated points 0.5 and 20
        // (their k = 1 radius is 19.5, so the generated balls cover every real point)
        using var scope = torch.NewDisposeScope();
        var real = torch.arange(10, torch.float64).reshape(10, 1);
        var generated = torch.tensor(new[] { 0.5, 20.0 }).reshape(2, 1);

        // When precision and recall are computed with k = 1
        var result = PrecisionRecall.FromActivations(real, generated, k: 1);

        // Then half the generated points are in the real manifold, and all real points in the generated one
        Assert.Equal(0.5, result.Precision, 12);
        Assert.Equal(1.0, result.Recall, 12);
    }

    [Fact]
    public void FromActivations_SeparatesQualityFromCoverage()
    {
        // Given two real clusters far apart, a generator that reproduces one cluster, and one that is far off
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(9, torch.CPU);
        var clusterA = torch.randn(new long[] { 500, 2 }, generator: generator);
        var clusterB = torch.randn(new long[] { 500, 2 }, generator: generator) + 100;
        var real = torch.cat(new[] { clusterA, clusterB }, 0);
        var collapsed = torch.randn(new long[] { 1_000, 2 }, generator: generator);
        var wrong = torch.randn(new long[] { 1_000, 2 }, generator: generator) - 100;

        // When precision and recall are computed with k = 3
        var half = PrecisionRecall.FromActivations(real, collapsed);
        var none = PrecisionRecall.FromActivations(real, wrong);
        var self = PrecisionRecall.FromActivations(real, real);

        // Then the collapsed generator has high precision but half the recall; the wrong one neither; real data both
        Assert.True(half.Precision > 0.95, $"precision {half.Precision}");
        Assert.InRange(half.Recall, 0.45, 0.5);
        Assert.Equal(0, none.Precision);
        Assert.Equal(0, none.Recall);
        Assert.Equal(1, self.Precision);
        Assert.Equal(1, self.Recall);
        Assert.Equal(3, half.K);
    }
}
