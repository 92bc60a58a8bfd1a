using Gan.Keras.Export.Images;
using Xunit;

namespace Gan.Keras.Tests.Export.Images;

public class LineChartTests
{
    [Fact]
    public void EncodePng_RaisesClearError_WhenASeriesHasTheWrongLength()
    {
        var error = Assert.Throws<ArgumentException>(() => LineChart.EncodePng(new double[] { 1, 2, 3 }, new Dictionary<string, IReadOnlyList<double>> { ["d_loss"] = new double[] { 1, 2 } }));
        Assert.Contains("'d_loss' has 2 values but there are 3 x values", error.Message);
    }
}
