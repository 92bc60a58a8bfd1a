using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class KernelInceptionDistanceTests
{
    [Fact]
    public void UnbiasedMmd2_MatchesHandComputedValue()
    {
        // Given x = {0, 1} and y = {1, 2} in one dimension, k(a, b) = (ab + 1)³:
        // off-diagonal k(x) = 1, off-diagonal k(y) = 27, cross k = {1, 1, 8, 27}
        using var scope = torch.NewDisposeScope();
        var x = torch.tensor(new[] { 0.0, 1.0 }).reshape(2, 1);
        var y = torch.tensor(new[] { 1.0, 2.0 }).reshape(2, 1);

        // When MMD²ᵤ is computed
        double mmd = KernelInceptionDistance.UnbiasedMmd2(x, y);

        // Then it is 2/2 + 54/2 − 2 · 37/4 = 9.5
        Assert.Equal(9.5, mmd, 12);
    }

    [Fact]
    public void FromActivations_IsAboutZero_ForIdenticalAndSameDistributionSets_AndLargeForShiftedOnes()
    {
        // Given samples of N(0, I₈): a set, an independent twin, and a set shifted by 0.5
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(8, torch.CPU);
        var a = torch.randn(new long[] { 2_000, 8 }, generator: generator);
        var twin = torch.randn(new long[] { 2_000, 8 }, generator: generator);
        var shifted = torch.randn(new long[] { 2_000, 8 }, generator: generator) + 0.5;

        // When KID is computed over 10 subsets of 400
        var identical = KernelInceptionDistance.FromActivations(a, a, subsets: 10, subsetSize: 400);
        var same = KernelInceptionDistance.FromActivations(a, twin, subsets: 10, subsetSize: 400);
        var far = KernelInceptionDistance.FromActivations(a, shifted, subsets: 10, subsetSize: 400);

        // Then the unbiased estimate is about zero (either sign) for the first two and clearly positive for the shift
        Assert.Equal(400, far.SubsetSize);
        Assert.True(Math.Abs(identical.Mean) < 0.02 * far.Mean, $"identical {identical.Mean} vs shifted {far.Mean}");
        Assert.True(Math.Abs(same.Mean) < 0.02 * far.Mean, $"same distribution {same.Mean} vs shifted {far.Mean}");
        Assert.True(far.Mean > 10 * far.Std / Math.Sqrt(10), $"shifted {far.Mean} ± {far.Std}");
    }
}
