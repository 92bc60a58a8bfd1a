using Gan.Keras.Losses;
using Gan.Keras.Metrics;
using Xunit;

namespace Gan.Keras.Tests.Metrics;

public class MetricSpecTests
{
    [Theory]
    [InlineData("binary", typeof(BinaryAccuracy))]
    [InlineData("sparse", typeof(SparseCategoricalAccuracy))]
    [InlineData("categorical", typeof(CategoricalAccuracy))]
    public void Accuracy_IsChosenFromTheOutputsLoss_AsKerasDoes(string lossKind, Type expected)
    {
        Loss loss = lossKind switch { "binary" => new BinaryCrossentropy(), "sparse" => new SparseCategoricalCrossentropy(), _ => new CategoricalCrossentropy() };
        MetricSpec spec = "accuracy";

        using var metric = spec.Create(loss, units: 10);

        Assert.IsType(expected, metric);
        Assert.Equal("accuracy", metric.Name);
    }

    [Fact]
    public void Accuracy_OnARegressionLoss_FollowsTheUnits_AndUnknownNamesAreRefused()
    {
        MetricSpec spec = "acc";
        using var one = spec.Create(new MeanSquaredError(), units: 1);
        using var several = spec.Create(new MeanSquaredError(), units: 4);

        Assert.IsType<BinaryAccuracy>(one);
        Assert.IsType<CategoricalAccuracy>(several);
        var error = Assert.Throws<ArgumentException>(() => MetricSpec.FromName("precision"));
        Assert.Contains("Unknown metric 'precision'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinaryAccuracy_OnLogits_ThresholdsAtZero()
    {
        MetricSpec spec = "accuracy";
        using var metric = (BinaryAccuracy)spec.Create(new BinaryCrossentropy(fromLogits: true), units: 1);

        Assert.Equal(0, metric.Threshold);
    }
}
