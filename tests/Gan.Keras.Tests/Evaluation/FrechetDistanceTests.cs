using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class FrechetDistanceTests
{
    [Fact]
    public void FromStatistics_MatchesClosedForm_ForDiagonalGaussians()
    {
        // Given N((0,0), diag(1,4)) and N((1,2), diag(4,9)): ‖Δμ‖² = 5, Tr = 5 + 13, Tr((Σ₁Σ₂)^½) = 2 + 6
        using var scope = torch.NewDisposeScope();

        // When the distance is computed
        double d = FrechetDistance.FromStatistics(torch.tensor(new[] { 0.0, 0.0 }), Diag(1, 4), torch.tensor(new[] { 1.0, 2.0 }), Diag(4, 9));

        // Then it is 5 + 18 − 16 = 7
        Assert.Equal(7.0, d, 10);
    }

    [Fact]
    public void FromStatistics_MatchesHandComputedValue_WhenCovariancesDoNotCommute()
    {
        // Given Σ₁ = diag(1, 4) and Σ₂ = [[2, 1], [1, 2]]: Σ₁Σ₂ = [[2, 1], [4, 8]] has eigenvalues 5 ± √13
        using var scope = torch.NewDisposeScope();
        var zero = torch.zeros(2, torch.float64);
        var s2 = torch.tensor(new[] { 2.0, 1.0, 1.0, 2.0 }, new long[] { 2, 2 });

        // When the distance is computed
        double d = FrechetDistance.FromStatistics(zero, Diag(1, 4), zero, s2);

        // Then it is 5 + 4 − 2 (√(5 + √13) + √(5 − √13))
        double expected = 9 - 2 * (Math.Sqrt(5 + Math.Sqrt(13)) + Math.Sqrt(5 - Math.Sqrt(13)));
        Assert.Equal(expected, d, 10);
    }

    [Fact]
    public void FromActivations_ApproachesClosedForm_ForLargeGaussianSamples()
    {
        // Given 20,000 draws of N(0, I₄) and of N(1, 4·I₄): the closed form is 4 + 4·(1 + 4 − 2·2) = 8
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(5, torch.CPU);
        var a = torch.randn(new long[] { 20_000, 4 }, generator: generator);
        var b = torch.randn(new long[] { 20_000, 4 }, generator: generator) * 2 + 1;

        // When the distance of the activations is computed both ways round
        double ab = FrechetDistance.FromActivations(a, b);
        double ba = FrechetDistance.FromActivations(b, a);

        // Then it is close to 8 and symmetric
        Assert.InRange(ab, 7.6, 8.4);
        Assert.Equal(ab, ba, 8);
    }

    [Fact]
    public void FromActivations_IsNearZero_ForTwoSamplesOfOneGaussian_AndIdenticalSets()
    {
        // Given two independent samples of N(0, I₈)
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(6, torch.CPU);
        var a = torch.randn(new long[] { 10_000, 8 }, generator: generator);
        var b = torch.randn(new long[] { 10_000, 8 }, generator: generator);

        // When distances are computed
        double same = FrechetDistance.FromActivations(a, a);
        double twin = FrechetDistance.FromActivations(a, b);

        // Then identical sets give 0 (up to round-off) and two samples nearly 0
        Assert.InRange(same, 0, 1e-9);
        Assert.InRange(twin, 0, 0.02);
    }

    [Fact]
    public void FromActivations_StaysFiniteAndNonNegative_WhenCovarianceIsSingular()
    {
        // Given fewer samples (10) than dimensions (64), so both covariances are singular
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(7, torch.CPU);
        var a = torch.randn(new long[] { 10, 64 }, generator: generator);
        var b = torch.randn(new long[] { 10, 64 }, generator: generator) + 0.5;

        // When the distance is computed
        double d = FrechetDistance.FromActivations(a, b);

        // Then it is a finite non-negative number
        Assert.True(double.IsFinite(d) && d >= 0, $"distance {d}");
    }

    [Fact]
    public void FromActivations_RaisesClearError_WhenWidthsDiffer()
    {
        // Given / When activations of widths 3 and 4
        var error = Assert.Throws<ArgumentException>(() => FrechetDistance.FromActivations(torch.zeros(5, 3), torch.zeros(5, 4)));

        // Then the message gives both shapes
        Assert.Contains("[5, 3]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 4]", error.Message, StringComparison.Ordinal);
    }

    private static torch.Tensor Diag(double a, double b) => torch.diag(torch.tensor(new[] { a, b }));
}
