using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// A built-in image dataset drawn procedurally (no download): ten classes of simple shapes and strokes with random
/// position, size, rotation, stroke width and brightness, anti-aliased, seeded. By default it has MNIST's layout (one
/// channel, 28×28, ten labelled classes, values in [−1, 1]), so image GANs and the CLI can train with no data; in colour
/// each image has a random bright foreground colour on a random dark background, and any side draws the same scene
/// scaled.
/// </summary>
public static class ProceduralShapes
{
    /// <summary>Gets the image side in pixels.</summary>
    public const int Size = 28;

    /// <summary>Gets the class names, by label.</summary>
    public static IReadOnlyList<string> ClassNames { get; } = new[]
    {
        "circle", "disc", "square", "filled-square", "triangle", "filled-triangle", "plus", "cross", "horizontal-bar", "vertical-bar",
    };

    /// <summary>Draws <paramref name="count"/> labelled images, classes in turn (balanced), shuffled by the seed.</summary>
    /// <param name="count">Number of images; positive.</param>
    /// <param name="seed">The same seed gives the same images on every machine (pure managed arithmetic).</param>
    /// <param name="flatten">Whether images are flat (<c>[784]</c>, for MLPs) or NCHW (<c>[1, 28, 28]</c>, for convolutions).</param>
    /// <param name="channels">1 (gray) or 3 (colour: a random foreground colour on a random dark background).</param>
    /// <param name="side">Image side in pixels (at least 8); the scene is drawn at any side, scaled from 28.</param>
    public static InMemoryDataset Load(int count = 10_000, long seed = 0, bool flatten = false, int channels = 1, int side = Size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (channels is not (1 or 3)) throw new ArgumentOutOfRangeException(nameof(channels), channels, "Use 1 (gray) or 3 (colour) channels.");
        ArgumentOutOfRangeException.ThrowIfLessThan(side, 8);
        var random = new Random(unchecked((int)(seed ^ (seed >> 32))));
        int plane = side * side, n = channels * plane;
        var pixels = new float[(long)count * n];
        var gray = new float[plane];
        var labels = new long[count];
        for (int i = 0; i < count; i++)
        {
            int label = i % ClassNames.Count;
            labels[i] = label;
            var image = pixels.AsSpan(i * n, n);
            if (channels == 1)
            {
                Draw(label, random, image, side);
                continue;
            }
            // Colours first, then the shape: a bright foreground, a dark background, mixed by the shape's coverage.
            var foreground = new[] { Uniform(random, 0.3, 1), Uniform(random, 0.3, 1), Uniform(random, 0.3, 1) };
            var background = new[] { Uniform(random, 0, 0.25), Uniform(random, 0, 0.25), Uniform(random, 0, 0.25) };
            Draw(label, random, gray, side);
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < plane; p++)
                {
                    double coverage = (gray[p] + 1) / 2;
                    image[c * plane + p] = (float)((background[c] + coverage * (foreground[c] - background[c])) * 2 - 1);
                }
        }
        Shuffle(pixels, labels, random, n);
        using var scope = torch.NewDisposeScope();
        var shape = flatten ? new long[] { count, n } : new long[] { count, channels, side, side };
        string name = channels == 1 && side == Size ? "shapes" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"shapes-{(channels == 3 ? "rgb" : "gray")}{side}");
        return new InMemoryDataset(torch.tensor(pixels, shape), torch.tensor(labels), name);
    }

    /// <summary>Renders one image of class <paramref name="label"/> into <paramref name="image"/> (values in [−1, 1]), <paramref name="side"/> pixels square.</summary>
    internal static void Draw(int label, Random random, Span<float> image, int side = Size)
    {
        double cx = 14 + Uniform(random, -3, 3), cy = 14 + Uniform(random, -3, 3);
        double radius = Uniform(random, 6, 10);
        double angle = Uniform(random, -0.35, 0.35);
        double halfWidth = Uniform(random, 0.8, 1.6);
        double brightness = Uniform(random, 0.75, 1.0);
        var (cos, sin) = (Math.Cos(angle), Math.Sin(angle));
        (double X, double Y) Rotate(double x, double y) => (cx + x * cos - y * sin, cy + x * sin + y * cos);
        var triangle = new[] { Rotate(0, -radius), Rotate(radius * 0.866, radius * 0.5), Rotate(-radius * 0.866, radius * 0.5) };
        // The scene is laid out on a 28×28 canvas; other sides sample it at their own pixel centres.
        double unit = (double)Size / side;
        for (int y = 0; y < side; y++)
            for (int x = 0; x < side; x++)
            {
                double px = (x + 0.5) * unit, py = (y + 0.5) * unit;
                // Local coordinates: the shape's frame, centred and unrotated.
                double lx = (px - cx) * cos + (py - cy) * sin, ly = -(px - cx) * sin + (py - cy) * cos;
                double coverage = label switch
                {
                    0 => Stroke(Math.Abs(Math.Sqrt(lx * lx + ly * ly) - radius), halfWidth),
                    1 => Fill(Math.Sqrt(lx * lx + ly * ly) - radius),
                    2 => Stroke(Math.Abs(Box(lx, ly, radius * 0.8)), halfWidth),
                    3 => Fill(Box(lx, ly, radius * 0.8)),
                    4 => Stroke(PolygonEdgeDistance(px, py, triangle), halfWidth),
                    5 => Fill(InsideTriangle(px, py, triangle) ? -PolygonEdgeDistance(px, py, triangle) : PolygonEdgeDistance(px, py, triangle)),
                    6 => Stroke(Math.Min(Segment(lx, ly, -radius, 0, radius, 0), Segment(lx, ly, 0, -radius, 0, radius)), halfWidth),
                    7 => Stroke(Math.Min(Segment(lx, ly, -radius * 0.75, -radius * 0.75, radius * 0.75, radius * 0.75), Segment(lx, ly, -radius * 0.75, radius * 0.75, radius * 0.75, -radius * 0.75)), halfWidth),
                    8 => Stroke(Segment(lx, ly, -radius, 0, radius, 0), halfWidth * 1.5),
                    9 => Stroke(Segment(lx, ly, 0, -radius, 0, radius), halfWidth * 1.5),
                    _ => throw new ArgumentOutOfRangeException(nameof(label), label, $"Label must be in [0, {ClassNames.Count - 1}]."),
                };
                double value = Math.Clamp(coverage * brightness + Uniform(random, -0.03, 0.03), 0, 1);
                image[y * side + x] = (float)(value * 2 - 1);
            }
    }

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    // Anti-aliased coverage of a pixel at distance d from a stroke's centre line (one pixel of soft edge).
    private static double Stroke(double distance, double halfWidth) => Math.Clamp(halfWidth - distance + 0.5, 0, 1);

    // Coverage of a pixel at signed distance d from a filled region's boundary (negative inside).
    private static double Fill(double signedDistance) => Math.Clamp(0.5 - signedDistance, 0, 1);

    // Signed distance to an axis-aligned square of half-side h (negative inside).
    private static double Box(double x, double y, double h)
    {
        double qx = Math.Abs(x) - h, qy = Math.Abs(y) - h;
        double outside = Math.Sqrt(Math.Pow(Math.Max(qx, 0), 2) + Math.Pow(Math.Max(qy, 0), 2));
        return outside + Math.Min(Math.Max(qx, qy), 0);
    }

    private static double Segment(double px, double py, double ax, double ay, double bx, double by)
    {
        double dx = bx - ax, dy = by - ay;
        double t = Math.Clamp(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1);
        double ex = px - (ax + t * dx), ey = py - (ay + t * dy);
        return Math.Sqrt(ex * ex + ey * ey);
    }

    private static double PolygonEdgeDistance(double px, double py, (double X, double Y)[] vertices)
    {
        double best = double.MaxValue;
        for (int i = 0; i < vertices.Length; i++)
        {
            var (a, b) = (vertices[i], vertices[(i + 1) % vertices.Length]);
            best = Math.Min(best, Segment(px, py, a.X, a.Y, b.X, b.Y));
        }
        return best;
    }

    private static bool InsideTriangle(double px, double py, (double X, double Y)[] t)
    {
        static double Cross((double X, double Y) a, (double X, double Y) b, double x, double y) => (b.X - a.X) * (y - a.Y) - (b.Y - a.Y) * (x - a.X);
        double d1 = Cross(t[0], t[1], px, py), d2 = Cross(t[1], t[2], px, py), d3 = Cross(t[2], t[0], px, py);
        return (d1 >= 0 && d2 >= 0 && d3 >= 0) || (d1 <= 0 && d2 <= 0 && d3 <= 0);
    }

    // Fisher–Yates on images and labels together, so classes are not in turn.
    private static void Shuffle(float[] pixels, long[] labels, Random random, int n)
    {
        var buffer = new float[n];
        for (int i = labels.Length - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            if (i == j) continue;
            (labels[i], labels[j]) = (labels[j], labels[i]);
            pixels.AsSpan(i * n, n).CopyTo(buffer);
            pixels.AsSpan(j * n, n).CopyTo(pixels.AsSpan(i * n, n));
            buffer.CopyTo(pixels.AsSpan(j * n, n));
        }
    }
}
