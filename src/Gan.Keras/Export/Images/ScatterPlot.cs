using Gan.Keras.Export;
using SkiaSharp;
using TorchSharp;

namespace Gan.Keras.Export.Images;

/// <summary>
/// Draws 2-D samples as a PNG scatter plot over the true modes of the data (rings): the standard picture for the
/// ring-of-8 and grid-of-25 mode-collapse benchmarks.
/// </summary>
public static class ScatterPlot
{
    /// <summary>Saves a scatter plot as a PNG, written atomically.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="points">Samples <c>[n, 2]</c>.</param>
    /// <param name="modes">The true modes <c>[k, 2]</c> (drawn as rings), or null.</param>
    /// <param name="title">The plot's title.</param>
    /// <param name="size">Width and height in pixels.</param>
    public static void SavePng(string path, torch.Tensor points, double[,]? modes = null, string title = "Generated samples", int size = 480)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        AtomicFile.WriteAllBytes(path, EncodePng(points, modes, title, size));
    }

    /// <summary>Renders a scatter plot as PNG bytes; arguments as for <see cref="SavePng"/>.</summary>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] EncodePng(torch.Tensor points, double[,]? modes = null, string title = "Generated samples", int size = 480)
    {
        ArgumentNullException.ThrowIfNull(points);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 160);
        if (points.dim() != 2 || points.shape[1] != 2)
            throw new ArgumentException($"A scatter plot needs points of shape [n, 2], but got [{string.Join(", ", points.shape)}].", nameof(points));
        if (modes is not null && modes.GetLength(1) != 2)
            throw new ArgumentException($"Modes must have shape [k, 2], but got [{modes.GetLength(0)}, {modes.GetLength(1)}].", nameof(modes));
        double[] xy;
        using (torch.NewDisposeScope())
            xy = points.detach().cpu().to_type(torch.float64).contiguous().data<double>().ToArray();
        // The view covers the modes with a margin; samples far outside are clipped, not allowed to shrink the picture.
        var xs = new List<double>();
        var ys = new List<double>();
        if (modes is not null)
        {
            for (int k = 0; k < modes.GetLength(0); k++)
            {
                xs.Add(modes[k, 0]);
                ys.Add(modes[k, 1]);
            }
        }
        else
        {
            for (int i = 0; i < xy.Length; i += 2)
            {
                if (!double.IsFinite(xy[i]) || !double.IsFinite(xy[i + 1])) continue;
                xs.Add(xy[i]);
                ys.Add(xy[i + 1]);
            }
        }
        double lo = Math.Min(xs.DefaultIfEmpty(-1).Min(), ys.DefaultIfEmpty(-1).Min());
        double hi = Math.Max(xs.DefaultIfEmpty(1).Max(), ys.DefaultIfEmpty(1).Max());
        double margin = Math.Max(0.5, (hi - lo) * 0.25);
        using var plot = new PlotCanvas(size, size, lo - margin, hi + margin, lo - margin, hi + margin);
        plot.DrawAxes(title, "x", "y");
        plot.ClipToPlot();
        var sample = new SKColor(31, 119, 180, 90);
        plot.DrawDots(Enumerable.Range(0, xy.Length / 2).Select(i => (xy[2 * i], xy[2 * i + 1])).Where(p => double.IsFinite(p.Item1) && double.IsFinite(p.Item2)), sample, 2f);
        var mode = new SKColor(214, 39, 40);
        if (modes is not null)
            for (int k = 0; k < modes.GetLength(0); k++) plot.DrawRing(modes[k, 0], modes[k, 1], mode, 7f);
        plot.Unclip();
        var legend = new List<(string, SKColor)> { ($"generated ({xy.Length / 2})", new SKColor(31, 119, 180)) };
        if (modes is not null) legend.Add(($"true modes ({modes.GetLength(0)})", mode));
        plot.DrawLegend(legend);
        return plot.EncodePng();
    }
}
