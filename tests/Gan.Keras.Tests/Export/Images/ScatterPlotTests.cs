using Gan.Keras.Export.Images;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Images;

public class ScatterPlotTests
{
    [Fact]
    public void EncodePng_RaisesClearError_WhenPointsAreNot2D()
    {
        using var points = torch.zeros(10, 3);
        var error = Assert.Throws<ArgumentException>(() => ScatterPlot.EncodePng(points));
        Assert.Contains("[n, 2]", error.Message);
        Assert.Contains("[10, 3]", error.Message);
    }

    [Fact]
    public void Ticks_AreRoundNumbersCoveringTheRange()
    {
        Assert.Equal(new[] { -1.0, -0.5, 0, 0.5, 1.0 }, PlotCanvas.Ticks(-1.2, 1.2));
        Assert.Equal(new[] { 2.0, 4, 6, 8, 10 }, PlotCanvas.Ticks(1, 10.5));
    }
}
