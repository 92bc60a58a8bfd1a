using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class GaussianMixturesTests
{
    [Fact]
    public void Ring8Means_AreEightPointsOnTheUnitCircle_FromAngleZero_CounterClockwise()
    {
        // When
        var means = GaussianMixtures.Ring8Means();

        // Then mean i is (cos 2πi/8, sin 2πi/8)
        double h = Math.Sqrt(0.5);
        double[,] expected = { { 1, 0 }, { h, h }, { 0, 1 }, { -h, h }, { -1, 0 }, { -h, -h }, { 0, -1 }, { h, -h } };
        Assert.Equal(8, means.GetLength(0));
        for (int i = 0; i < 8; i++)
            for (int axis = 0; axis < 2; axis++)
                Assert.Equal(expected[i, axis], means[i, axis], 12);
    }

    [Fact]
    public void Grid25Means_AreAFiveByFiveGrid_FromMinusFourToFour_RowByRow()
    {
        // When
        var means = GaussianMixtures.Grid25Means();

        // Then mean 5i + j is (−4 + 2i, −4 + 2j)
        Assert.Equal(25, means.GetLength(0));
        Assert.Equal((-4.0, -4.0), (means[0, 0], means[0, 1]));
        Assert.Equal((-4.0, 4.0), (means[4, 0], means[4, 1]));
        Assert.Equal((-2.0, 0.0), (means[7, 0], means[7, 1]));
        Assert.Equal((4.0, -4.0), (means[20, 0], means[20, 1]));
        Assert.Equal((4.0, 4.0), (means[24, 0], means[24, 1]));
    }

    public static TheoryData<string> Mixtures() => new() { "ring8", "grid25" };

    [Theory]
    [MemberData(nameof(Mixtures))]
    public void Sample_DrawsEachPointAroundItsLabelledMean_WithTheMixturesSpread_AndEveryModeAboutEquallyOften(string name)
    {
        // Given
        var (means, sigma) = name == "ring8"
            ? (GaussianMixtures.Ring8Means(), GaussianMixtures.Ring8Sigma)
            : (GaussianMixtures.Grid25Means(), GaussianMixtures.Grid25Sigma);
        int modes = means.GetLength(0);

        // When 400 points a mode are drawn by name
        using var data = name == "ring8" ? GaussianMixtures.Ring8(400 * modes, seed: 3) : GaussianMixtures.Grid25(400 * modes, seed: 3);

        // Then the labels are the modes, each about equally often, and each point's offset from its mode's mean has
        // zero mean and standard deviation σ on both axes
        Assert.Equal(name, data.Name);
        Assert.Equal(new long[] { 400L * modes, 2 }, data.Features.shape);
        float[] points = data.Features.data<float>().ToArray();
        long[] labels = data.Labels!.data<long>().ToArray();
        Assert.All(Enumerable.Range(0, modes), mode => Assert.InRange(labels.Count(l => l == mode), 300, 500));
        for (int axis = 0; axis < 2; axis++)
        {
            double[] offsets = labels.Select((mode, i) => points[2 * i + axis] - means[mode, axis]).ToArray();
            double mean = offsets.Average();
            double deviation = Math.Sqrt(offsets.Select(o => (o - mean) * (o - mean)).Average());
            Assert.InRange(mean, -0.05 * sigma, 0.05 * sigma);
            Assert.InRange(deviation, 0.95 * sigma, 1.05 * sigma);
        }
    }

    [Fact]
    public void Sample_IsReproducible_AndDiffersBetweenSeeds()
    {
        using var a = GaussianMixtures.Ring8(100, seed: 7);
        using var b = GaussianMixtures.Ring8(100, seed: 7);
        using var c = GaussianMixtures.Ring8(100, seed: 8);

        Assert.True(a.Features.eq(b.Features).all().item<bool>() && a.Labels!.eq(b.Labels!).all().item<bool>());
        Assert.False(a.Features.eq(c.Features).all().item<bool>());
    }

    [Fact]
    public void Sample_Refuses_NoMeans_NoPoints_AndNoSpread()
    {
        var means = GaussianMixtures.Ring8Means();

        Assert.Equal("means", Assert.Throws<ArgumentNullException>(() => GaussianMixtures.Sample(null!, 0.1, 10, 0, "x")).ParamName);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianMixtures.Sample(means, 0.1, 0, 0, "x")).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianMixtures.Sample(means, 0, 10, 0, "x")).ParamName);
        Assert.Equal("sigma", Assert.Throws<ArgumentOutOfRangeException>(() => GaussianMixtures.Sample(means, -0.1, 10, 0, "x")).ParamName);
    }
}
