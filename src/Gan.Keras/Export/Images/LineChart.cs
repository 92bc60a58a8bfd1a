using Gan.Keras.Export;

namespace Gan.Keras.Export.Images;

/// <summary>Draws named series against epochs as a PNG line chart: the usual loss-curve picture of a training run.</summary>
public static class LineChart
{
    /// <summary>Saves a line chart as a PNG, written atomically.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="x">The x value of each point (epochs).</param>
    /// <param name="series">Named series, each with one value per x (non-finite values leave a gap).</param>
    /// <param name="title">The chart's title.</param>
    /// <param name="xLabel">The x axis label.</param>
    /// <param name="yLabel">The y axis label.</param>
    /// <param name="width">Width in pixels.</param>
    /// <param name="height">Height in pixels.</param>
    public static void SavePng(string path, IReadOnlyList<double> x, IReadOnlyDictionary<string, IReadOnlyList<double>> series, string title = "Losses", string xLabel = "epoch", string yLabel = "value", int width = 720, int height = 420)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, EncodePng(x, series, title, xLabel, yLabel, width, height));
    }

    /// <summary>Renders a line chart as PNG bytes; arguments as for <see cref="SavePng"/>.</summary>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] EncodePng(IReadOnlyList<double> x, IReadOnlyDictionary<string, IReadOnlyList<double>> series, string title = "Losses", string xLabel = "epoch", string yLabel = "value", int width = 720, int height = 420)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(series);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 160);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 120);
        foreach (var (name, values) in series)
            if (values.Count != x.Count)
                throw new ArgumentException($"Series '{name}' has {values.Count} values but there are {x.Count} x values; give one value per x.", nameof(series));
        var finite = series.Values.SelectMany(v => v).Where(double.IsFinite).ToList();
        double yMin = finite.Count > 0 ? finite.Min() : 0, yMax = finite.Count > 0 ? finite.Max() : 1;
        double pad = (yMax - yMin) * 0.05;
        double xMin = x.Count > 0 ? x.Min() : 0, xMax = x.Count > 0 ? x.Max() : 1;
        // Extra room at the top keeps the legend (top right) off the lines.
        using var plot = new PlotCanvas(width, height, xMin, xMax, yMin - pad, yMax + pad * 5);
        plot.DrawAxes(title, xLabel, yLabel);
        plot.ClipToPlot();
        var legend = new List<(string, SkiaSharp.SKColor)>();
        int i = 0;
        foreach (var (name, values) in series)
        {
            var color = PlotCanvas.Palette[i++ % PlotCanvas.Palette.Length];
            plot.DrawPolyline(x.Zip(values).ToList(), color);
            legend.Add((name, color));
        }
        plot.Unclip();
        plot.DrawLegend(legend);
        return plot.EncodePng();
    }
}
