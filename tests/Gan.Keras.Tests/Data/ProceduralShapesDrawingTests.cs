using Gan.Keras.Data;
using Xunit;

namespace Gan.Keras.Tests.Data;

/// <summary>
/// What <see cref="ProceduralShapes"/> draws, pixel by pixel: each class's shape where its scene's draws put it, its
/// brightness and noise, the colour mix, and the seed, order and shuffle of <see cref="ProceduralShapes.Load"/>.
/// </summary>
public class ProceduralShapesDrawingTests
{
    // A pixel on a stroke covers at least 0.59 of it (half-width ≥ 0.8, pixel centre ≤ 0.71 px from the point) at
    // brightness ≥ 0.75, less 0.03 of noise: above −0.2 in [−1, 1]. A pixel with no coverage is noise on black.
    private const float Lit = -0.2f;
    private const float Dark = -0.94f;

    /// <summary>
    /// Points of each class's shape (lit) and beside it (dark), in the shape's own frame (centred, unrotated), in units
    /// of its radius r; a third value moves the point that many canvas pixels away from the centre (negative: towards it).
    /// </summary>
    private static readonly Dictionary<int, (double[][] Lit, double[][] Dark)> Points = new()
    {
        // circle: the ring at radius r; dark at its centre and 3 px outside
        [0] = ([[1, 0], [0, 1], [-1, 0], [0, -1], [0.7071, 0.7071]], [[0, 0], [1, 0, 3]]),
        // disc: filled to radius r
        [1] = ([[0, 0], [0.5, 0], [0, -1, -1.5]], [[1, 0, 1.5], [0, -1, 1.5]]),
        // square of half-side 0.8 r: its sides and corners; dark inside and outside
        [2] = ([[0.8, 0], [0, 0.8], [-0.8, 0], [0, -0.8], [0.8, 0.8], [-0.8, 0.8]], [[0, 0], [0.8, 0, 3]]),
        // filled square
        [3] = ([[0, 0], [0.8, 0.8, -1.5], [-0.8, 0, -1.5]], [[0.8, 0, 1.5], [0, -0.8, 1.5]]),
        // triangle with vertices (0, −r), (±0.866 r, 0.5 r): vertices and edge midpoints; dark at its centre (inradius r/2)
        [4] = ([[0, -1], [0.866, 0.5], [-0.866, 0.5], [0.433, -0.25], [0, 0.5]], [[0, 0], [0, -1, 3]]),
        // filled triangle: inside, and near the top vertex; dark below the bottom edge and beyond the top vertex
        [5] = ([[0, 0], [0, -1, -2.5], [0.4, 0.3]], [[0, 0.5, 1.5], [0, -1, 1.5]]),
        // plus: two strokes of length 2r; dark between its arms
        [6] = ([[0, 0], [0.8, 0], [0, -0.8], [-1, 0], [0, 1]], [[0.5, 0.5], [1, 0, 3]]),
        // cross: the diagonals to (±0.75 r, ±0.75 r); dark between its arms
        [7] = ([[0, 0], [0.75, 0.75], [-0.75, -0.75], [0.75, -0.75], [-0.75, 0.75], [0.375, 0.375]], [[0.8, 0], [0, -0.8]]),
        // horizontal bar (1.5 times as thick): from −r to r along x
        [8] = ([[0, 0], [1, 0], [-1, 0], [0.5, 0]], [[0, 0.7], [1, 0, 4]]),
        // vertical bar
        [9] = ([[0, 0], [0, 1], [0, -1]], [[0.7, 0], [0, 1, 4]]),
    };

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    public void Draw_PutsEachClasssShape_WhereItsDrawsSay_AtTwoSides(int label)
    {
        var (lit, dark) = Points[label];
        foreach (int side in new[] { 28, 56 })
            for (int seed = 0; seed < 20; seed++)
            {
                // Given the scene the seed's draws describe
                var scene = Scene.Drawn(new Random(seed));
                var image = new float[side * side];

                // When the class is drawn with the same draws
                ProceduralShapes.Draw(label, new Random(seed), image, side);

                // Then its points are lit, the points beside it dark, and the image's corner is background
                foreach (var point in lit)
                    if (scene.Pixel(point, side) is { } p)
                        Assert.True(image[p] > Lit, $"class {label}, seed {seed}, side {side}: ({string.Join(", ", point)}) is {image[p]}, expected lit");
                foreach (var point in dark)
                    if (scene.Pixel(point, side) is { } p)
                        Assert.True(image[p] <= Dark, $"class {label}, seed {seed}, side {side}: ({string.Join(", ", point)}) is {image[p]}, expected dark");
                Assert.InRange(image[0], -1f, Dark);
            }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(5)]
    public void Draw_FillsShapesAtTheDrawnBrightness_OnNoisyBlack(int label)
    {
        var backgrounds = new List<float>();
        for (int seed = 0; seed < 20; seed++)
        {
            // Given / When
            var scene = Scene.Drawn(new Random(seed));
            var image = new float[28 * 28];
            ProceduralShapes.Draw(label, new Random(seed), image);

            // Then the filled centre is the brightness (±0.03 of noise, in [−1, 1] units ±0.06)
            int centre = scene.Pixel([0, 0], 28)!.Value;
            Assert.InRange(image[centre], 2 * scene.Brightness - 1 - 0.06, 2 * scene.Brightness - 1 + 0.06);
            // The 3×3 corners: at least 12 px from the centre, beyond the largest filled shape's reach (11.8 px)
            foreach (int row in new[] { 0, 1, 2, 25, 26, 27 })
                foreach (int column in new[] { 0, 1, 2, 25, 26, 27 })
                    backgrounds.Add(image[row * 28 + column]);
        }

        // And the background is black with noise up to 0.03: half its pixels clamped at −1, the rest up to −0.94
        Assert.InRange(backgrounds.Min(), -1f, -1f);
        Assert.InRange(backgrounds.Max(), -0.96f, Dark);
        Assert.InRange(backgrounds.Count(v => v == -1f) / (double)backgrounds.Count, 0.4, 0.6);
    }

    [Fact]
    public void Load_MixesTheDrawnForegroundAndBackgroundColours_ByTheShapesCoverage()
    {
        foreach (int side in new[] { 28, 20 })
        {
            // Given the colours a seed draws first, then the gray scene drawn with the draws that follow
            var random = new Random(5);
            double[] foreground = [Uniform(random, 0.3, 1), Uniform(random, 0.3, 1), Uniform(random, 0.3, 1)];
            double[] background = [Uniform(random, 0, 0.25), Uniform(random, 0, 0.25), Uniform(random, 0, 0.25)];
            var gray = new float[side * side];
            ProceduralShapes.Draw(0, random, gray, side);

            // When one colour image is loaded with that seed
            using var loaded = ProceduralShapes.Load(1, seed: 5, flatten: true, channels: 3, side: side);
            float[] image = loaded.Features.data<float>().ToArray();

            // Then each channel is background + coverage · (foreground − background), in [−1, 1]
            Assert.Equal(3 * side * side, image.Length);
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < side * side; p++)
                {
                    double coverage = (gray[p] + 1) / 2;
                    double expected = (background[c] + coverage * (foreground[c] - background[c])) * 2 - 1;
                    Assert.True(Math.Abs(image[c * side * side + p] - expected) < 1e-5, $"side {side}, channel {c}, pixel {p}: {image[c * side * side + p]} vs {expected}");
                }
        }
    }

    [Theory]
    [InlineData(5L, 5)]
    [InlineData((7L << 32) | 5, 5 ^ 7)]
    public void Load_SeedsItsDrawsWithTheSeedsTwoHalvesXored(long seed, int drawSeed)
    {
        // Given the one image drawn from the folded seed
        var expected = new float[28 * 28];
        ProceduralShapes.Draw(0, new Random(drawSeed), expected);

        // When one gray image is loaded
        using var loaded = ProceduralShapes.Load(1, seed: seed, flatten: true);

        // Then they are the same
        Assert.Equal(expected, loaded.Features.data<float>().ToArray());
    }

    [Fact]
    public void Load_DrawsClassesInTurn_ThenShufflesImagesWithTheirLabels()
    {
        // Given the ten images the seed draws, class 0 to 9 in turn
        var random = new Random(11);
        var drawn = Enumerable.Range(0, 10).Select(label =>
        {
            var image = new float[28 * 28];
            ProceduralShapes.Draw(label, random, image);
            return image;
        }).ToArray();

        // When ten are loaded
        using var loaded = ProceduralShapes.Load(10, seed: 11, flatten: true);
        long[] labels = loaded.Labels!.data<long>().ToArray();
        float[] pixels = loaded.Features.data<float>().ToArray();

        // Then they are shuffled, and every image is the one drawn for its label
        Assert.NotEqual(Enumerable.Range(0, 10).Select(i => (long)i), labels);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), labels.Order());
        for (int i = 0; i < 10; i++)
            Assert.Equal(drawn[labels[i]], pixels.AsSpan(i * 784, 784).ToArray());
    }

    [Theory]
    [InlineData(1, 28, "shapes")]
    [InlineData(3, 28, "shapes-rgb28")]
    [InlineData(1, 40, "shapes-gray40")]
    [InlineData(3, 20, "shapes-rgb20")]
    public void Load_NamesTheDataset_ByItsChannelsAndSide(int channels, int side, string name)
    {
        using var loaded = ProceduralShapes.Load(2, channels: channels, side: side);

        Assert.Equal(name, loaded.Name);
        Assert.Equal(new long[] { 2, channels, side, side }, loaded.Features.shape);
    }

    [Fact]
    public void ClassNames_NameTheTenClasses_ByLabel()
    {
        Assert.Equal(
            new[] { "circle", "disc", "square", "filled-square", "triangle", "filled-triangle", "plus", "cross", "horizontal-bar", "vertical-bar" },
            ProceduralShapes.ClassNames);
    }

    private static double Uniform(Random random, double low, double high) => low + (high - low) * random.NextDouble();

    /// <summary>The draws <see cref="ProceduralShapes.Draw"/> makes first, in its order, on its 28×28 canvas.</summary>
    private sealed record Scene(double CentreX, double CentreY, double Radius, double Angle, double HalfWidth, double Brightness)
    {
        public static Scene Drawn(Random random) => new(
            14 + Uniform(random, -3, 3), 14 + Uniform(random, -3, 3), Uniform(random, 6, 10),
            Uniform(random, -0.35, 0.35), Uniform(random, 0.8, 1.6), Uniform(random, 0.75, 1.0));

        /// <summary>
        /// The index of the pixel, in an image of <paramref name="side"/> pixels, holding the point (x·r, y·r) of the
        /// shape's frame moved by an optional third value along the same direction, in canvas pixels; null outside.
        /// </summary>
        public int? Pixel(double[] point, int side)
        {
            double x = point[0] * Radius, y = point[1] * Radius;
            if (point.Length == 3)
            {
                double length = Math.Sqrt(x * x + y * y);
                (x, y) = (x + point[2] * x / length, y + point[2] * y / length);
            }
            double canvasX = CentreX + x * Math.Cos(Angle) - y * Math.Sin(Angle);
            double canvasY = CentreY + x * Math.Sin(Angle) + y * Math.Cos(Angle);
            double unit = 28.0 / side;
            int column = (int)Math.Floor(canvasX / unit), row = (int)Math.Floor(canvasY / unit);
            return column >= 0 && column < side && row >= 0 && row < side ? row * side + column : null;
        }
    }
}
