using Gan.Keras.Data;
using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class MixtureMetricsTests
{
    [Fact]
    public void Compute_CoversAllModes_ForSamplesSpreadOverEveryMode()
    {
        // Given 2,500 samples placed exactly on the 8 Ring8 means in turn
        using var scope = torch.NewDisposeScope();
        var means = GaussianMixtures.Ring8Means();
        var samples = torch.tensor(Enumerable.Range(0, 2_500).SelectMany(i => new[] { means[i % 8, 0], means[i % 8, 1] }).ToArray(), new long[] { 2_500, 2 });

        // When the metrics are computed
        var report = MixtureMetrics.Compute(samples, means, GaussianMixtures.Ring8Sigma);

        // Then all 8 modes are covered, every sample is high quality, and the mode histogram is nearly uniform
        Assert.Equal(8, report.ModesCovered);
        Assert.Equal(1.0, report.HighQualityFraction);
        Assert.InRange(report.ModeKl, 0, 1e-4);
        Assert.Equal(2_500, report.ModeCounts.Sum());
    }

    [Fact]
    public void Compute_ReportsOneModeAndMaximalKl_WhenSamplesCollapseOnOneMode()
    {
        // Given 2,500 samples within σ of the first mode only
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1, torch.CPU);
        var samples = torch.tensor(new[] { 1.0f, 0f }) + torch.randn(new long[] { 2_500, 2 }, generator: generator) * 0.003f;

        // When the metrics are computed
        var report = MixtureMetrics.Compute(samples, GaussianMixtures.Ring8Means(), GaussianMixtures.Ring8Sigma);

        // Then one mode is covered, all samples are high quality, and KL is log 8
        Assert.Equal(1, report.ModesCovered);
        Assert.Equal(1.0, report.HighQualityFraction);
        Assert.Equal(Math.Log(8), report.ModeKl, 10);
        Assert.Equal(2_500, report.HighQualityModeCounts[0]);
    }

    [Fact]
    public void Compute_CountsNoHighQualitySample_WhenSamplesMissTheModesByMoreThanThreeSigma()
    {
        // Given samples at 4σ from every Grid25 mode (midway towards the next column is farther still)
        using var scope = torch.NewDisposeScope();
        var means = GaussianMixtures.Grid25Means();
        double offset = 4 * GaussianMixtures.Grid25Sigma;
        var samples = torch.tensor(Enumerable.Range(0, 25).SelectMany(i => new[] { means[i, 0] + offset, means[i, 1] }).ToArray(), new long[] { 25, 2 });

        // When the metrics are computed
        var report = MixtureMetrics.Compute(samples, means, GaussianMixtures.Grid25Sigma);

        // Then no sample is high quality and no mode is covered, although every mode is the nearest of one sample
        Assert.Equal(0, report.ModesCovered);
        Assert.Equal(0.0, report.HighQualityFraction);
        Assert.All(report.ModeCounts, c => Assert.Equal(1, c));
    }

    [Theory]
    [InlineData("ring8")]
    [InlineData("grid25")]
    public void Compute_GivesRealDataTheTheoreticalHighQualityShare(string name)
    {
        // Given 2,500 draws of the real mixture: a 2-D Gaussian lies within 3σ with probability 1 − e^(−9/2) ≈ 98.9 %
        using var data = DatasetCatalog.Load(name, new DatasetOptions { Count = 2_500, Seed = 11 });
        var (means, sigma) = name == "ring8" ? (GaussianMixtures.Ring8Means(), GaussianMixtures.Ring8Sigma) : (GaussianMixtures.Grid25Means(), GaussianMixtures.Grid25Sigma);

        // When the metrics are computed
        var report = MixtureMetrics.Compute(data.Features, means, sigma);

        // Then every mode is covered and the share is close to 98.9 %
        Assert.Equal(means.GetLength(0), report.ModesCovered);
        Assert.InRange(report.HighQualityFraction, 0.98, 0.995);
        Assert.InRange(report.ModeKl, 0, 0.02);
    }

    [Fact]
    public void Compute_RaisesClearError_WhenSamplesAreNotTwoDimensional()
    {
        // Given / When samples of width 3 for 2-D means
        var error = Assert.Throws<ArgumentException>(() => MixtureMetrics.Compute(torch.zeros(10, 3), GaussianMixtures.Ring8Means(), 0.01));

        // Then the message gives the expected and received shapes
        Assert.Contains("[n, 2]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[10, 3]", error.Message, StringComparison.Ordinal);
    }
}
