using System.Globalization;
using SkiaSharp;

namespace Gan.Keras.Export.Images;

/// <summary>
/// A minimal 2-D plot drawn with SkiaSharp: white background, a framed plot area, "nice" ticks with labels, a title
/// and a legend. Shared by <see cref="LineChart"/> and <see cref="ScatterPlot"/>. (ScottPlot 5.1 needs SkiaSharp 3,
/// while TorchSharp 0.107 pins SkiaSharp 2.88, so the charts are drawn here directly.)
/// </summary>
internal sealed class PlotCanvas : IDisposable
{
    private const int Left = 64, Right = 16, Top = 36, Bottom = 44;
    private readonly SKBitmap bitmap;
    private readonly SKCanvas canvas;
    private readonly SKTypeface typeface;
    private static readonly double[] NiceSteps = { 1.0, 2.0, 5.0, 10.0 };
    private readonly double xMin, xMax, yMin, yMax;

    public PlotCanvas(int width, int height, double xMin, double xMax, double yMin, double yMax)
    {
        (this.xMin, this.xMax) = Widen(xMin, xMax);
        (this.yMin, this.yMax) = Widen(yMin, yMax);
        bitmap = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        canvas = new SKCanvas(bitmap);
        canvas.Clear(SKColors.White);
        // Falls back to the default typeface; on a machine with no fonts at all the labels are simply not drawn.
        typeface = SKTypeface.FromFamilyName("DejaVu Sans") ?? SKTypeface.Default;
    }

    public static SKColor[] Palette { get; } =
    {
        new(31, 119, 180), new(255, 127, 14), new(44, 160, 44), new(214, 39, 40), new(148, 103, 189), new(140, 86, 75),
    };

    public static float PlotLeft => Left;

    public float PlotRight => bitmap.Width - Right;

    public static float PlotTop => Top;

    public float PlotBottom => bitmap.Height - Bottom;

    public float X(double x) => (float)(PlotLeft + (x - xMin) / (xMax - xMin) * (PlotRight - PlotLeft));

    public float Y(double y) => (float)(PlotBottom - (y - yMin) / (yMax - yMin) * (PlotBottom - PlotTop));

    public void DrawAxes(string title, string xLabel, string yLabel)
    {
        using var grid = new SKPaint { Color = new SKColor(225, 225, 225), StrokeWidth = 1, IsAntialias = false };
        using var frame = new SKPaint { Color = SKColors.Black, StrokeWidth = 1, Style = SKPaintStyle.Stroke, IsAntialias = false };
        using var text = Text(12, SKColors.Black);
        foreach (double t in Ticks(xMin, xMax))
        {
            canvas.DrawLine(X(t), PlotTop, X(t), PlotBottom, grid);
            DrawText(Label(t), X(t), PlotBottom + 16, text, SKTextAlign.Center);
        }
        foreach (double t in Ticks(yMin, yMax))
        {
            canvas.DrawLine(PlotLeft, Y(t), PlotRight, Y(t), grid);
            DrawText(Label(t), PlotLeft - 6, Y(t) + 4, text, SKTextAlign.Right);
        }
        canvas.DrawRect(PlotLeft, PlotTop, PlotRight - PlotLeft, PlotBottom - PlotTop, frame);
        using var titlePaint = Text(15, SKColors.Black);
        DrawText(title, (PlotLeft + PlotRight) / 2, 22, titlePaint, SKTextAlign.Center);
        DrawText(xLabel, (PlotLeft + PlotRight) / 2, bitmap.Height - 8, text, SKTextAlign.Center);
        canvas.Save();
        canvas.RotateDegrees(-90, 14, (PlotTop + PlotBottom) / 2);
        DrawText(yLabel, 14, (PlotTop + PlotBottom) / 2 + 4, text, SKTextAlign.Center);
        canvas.Restore();
    }

    public void ClipToPlot()
    {
        canvas.Save();
        canvas.ClipRect(new SKRect(PlotLeft, PlotTop, PlotRight, PlotBottom));
    }

    public void Unclip() => canvas.Restore();

    public void DrawPolyline(IReadOnlyList<(double X, double Y)> points, SKColor color, float width = 2)
    {
        using var paint = new SKPaint { Color = color, StrokeWidth = width, Style = SKPaintStyle.Stroke, IsAntialias = true, StrokeJoin = SKStrokeJoin.Round };
        using var path = new SKPath();
        bool started = false;
        foreach (var (x, y) in points)
        {
            if (!double.IsFinite(y)) { started = false; continue; }
            if (!started) path.MoveTo(X(x), Y(y));
            else path.LineTo(X(x), Y(y));
            started = true;
        }
        canvas.DrawPath(path, paint);
        if (points.Count == 1 && double.IsFinite(points[0].Y)) DrawDot(points[0].X, points[0].Y, color, width * 1.5f);
    }

    /// <summary>Draws many dots with one paint (one native call): much faster than a dot at a time.</summary>
    public void DrawDots(IEnumerable<(double X, double Y)> points, SKColor color, float radius)
    {
        using var paint = new SKPaint { Color = color, StrokeWidth = radius * 2, StrokeCap = SKStrokeCap.Round, Style = SKPaintStyle.Stroke, IsAntialias = true };
        canvas.DrawPoints(SKPointMode.Points, points.Select(p => new SKPoint(X(p.X), Y(p.Y))).ToArray(), paint);
    }

    public void DrawDot(double x, double y, SKColor color, float radius)
    {
        using var paint = new SKPaint { Color = color, Style = SKPaintStyle.Fill, IsAntialias = true };
        canvas.DrawCircle(X(x), Y(y), radius, paint);
    }

    public void DrawRing(double x, double y, SKColor color, float radius)
    {
        using var paint = new SKPaint { Color = color, Style = SKPaintStyle.Stroke, StrokeWidth = 2, IsAntialias = true };
        canvas.DrawCircle(X(x), Y(y), radius, paint);
    }

    public void DrawLegend(IReadOnlyList<(string Label, SKColor Color)> items)
    {
        if (items.Count == 0) return;
        using var text = Text(12, SKColors.Black);
        float width = items.Max(i => text.MeasureText(i.Label)) + 34, height = items.Count * 18 + 8;
        float x0 = PlotRight - width - 8, y0 = PlotTop + 8;
        using var box = new SKPaint { Color = new SKColor(255, 255, 255, 230), Style = SKPaintStyle.Fill };
        using var border = new SKPaint { Color = new SKColor(160, 160, 160), Style = SKPaintStyle.Stroke, StrokeWidth = 1 };
        canvas.DrawRect(x0, y0, width, height, box);
        canvas.DrawRect(x0, y0, width, height, border);
        for (int i = 0; i < items.Count; i++)
        {
            float y = y0 + 14 + i * 18;
            using var swatch = new SKPaint { Color = items[i].Color, StrokeWidth = 3, IsAntialias = true };
            canvas.DrawLine(x0 + 6, y - 4, x0 + 24, y - 4, swatch);
            DrawText(items[i].Label, x0 + 30, y, text, SKTextAlign.Left);
        }
    }

    public byte[] EncodePng()
    {
        canvas.Flush();
        using var image = SKImage.FromBitmap(bitmap);
        using var png = image.Encode(SKEncodedImageFormat.Png, 100);
        return png.ToArray();
    }

    public void Dispose()
    {
        canvas.Dispose();
        bitmap.Dispose();
    }

    /// <summary>About five round tick values (1, 2 or 5 × 10ⁿ apart) covering [min, max].</summary>
    internal static IEnumerable<double> Ticks(double min, double max)
    {
        double raw = (max - min) / 5;
        double magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        double step = NiceSteps.Select(m => m * magnitude).First(s => s >= raw);
        for (double t = Math.Ceiling(min / step) * step; t <= max + step * 1e-9; t += step)
            yield return Math.Abs(t) < step * 1e-9 ? 0 : t;
    }

    private static (double Min, double Max) Widen(double min, double max)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) return (0, 1);
        if (max - min < 1e-12) return (min - 0.5, max + 0.5);
        return (min, max);
    }

    private static string Label(double value) => value.ToString("G4", CultureInfo.InvariantCulture);

    private SKPaint Text(float size, SKColor color) => new() { Color = color, TextSize = size, IsAntialias = true, Typeface = typeface };

    private void DrawText(string value, float x, float y, SKPaint paint, SKTextAlign align)
    {
        paint.TextAlign = align;
        canvas.DrawText(value, x, y, paint);
    }
}
