using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class DiffAugmentTests
{
    [Theory]
    [InlineData("color")]
    [InlineData("translation")]
    [InlineData("cutout")]
    [InlineData("color,translation,cutout")]
    public void Apply_KeepsTheShape_AndLetsGradientsFlowToTheInput(string policy)
    {
        // Given a batch of 4 RGB 8x8 images that requires gradients
        using var scope = torch.NewDisposeScope();
        var images = (torch.rand(4, 3, 8, 8, generator: new torch.Generator(1)) * 2 - 1).requires_grad_(true);

        // When it is augmented and a loss of the result is differentiated
        var augmented = new DiffAugment(policy).Apply(images, new torch.Generator(2));
        augmented.pow(2).sum().backward();

        // Then the shape is kept, the images changed, and the gradient reaches the input (finite, not all zero)
        Assert.Equal(images.shape, augmented.shape);
        Assert.False(augmented.detach().eq(images.detach()).all().item<bool>());
        var grad = images.grad!;
        Assert.True(grad.isfinite().all().item<bool>() && grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Translation_ShiftsWholeImagesByWholePixels_AndCutoutZeroesOneSquare()
    {
        // Given one 8x8 gray image of distinct positive values
        using var scope = torch.NewDisposeScope();
        var image = torch.arange(1, 65, dtype: torch.float32).reshape(1, 1, 8, 8);

        // When it is translated (at most 1 pixel) and, separately, cut out (a 4x4 square)
        var moved = new DiffAugment("translation").Apply(image, new torch.Generator(5));
        var cut = new DiffAugment("cutout").Apply(image, new torch.Generator(5));

        // Then the translated image is the original shifted by (dy, dx) in [-1, 1]² with zeros shifted in
        bool found = false;
        for (int dy = -1; dy <= 1 && !found; dy++)
            for (int dx = -1; dx <= 1 && !found; dx++)
            {
                var expected = torch.nn.functional.pad(image, new long[] { 1, 1, 1, 1 })[.., .., (1 + dy)..(9 + dy), (1 + dx)..(9 + dx)];
                found = expected.eq(moved).all().item<bool>();
            }
        Assert.True(found, "not a whole-pixel shift");
        // and the cut-out one keeps every pixel but between 1 and 16 zeros, all in one square
        long zeros = cut.eq(0).sum().item<long>();
        Assert.InRange(zeros, 1, 16);
        Assert.True(cut.ne(0).logical_or(image.eq(0)).sum().item<long>() == 64 - zeros);
    }

    [Fact]
    public void Policy_RejectsUnknownTransforms_WithTheValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => new DiffAugment("color,flip"));

        Assert.Contains("unknown transform(s) 'flip'", error.Message);
        Assert.Contains("color, translation, cutout", error.Message);
    }

    [Fact]
    public void GanModel_AugmentsRealAndFakeBatchesWithTheSamePolicy_IndependentDraws_AndOnlyWhenSet()
    {
        // Given a GAN on flat 8x8 images whose discriminator records every batch it is given, with cutout augmentation
        var recorder = new RecordingLayer();
        RandomSeed.Set(3);
        var generator = new Sequential(new Layer[] { new Dense(64, "tanh") }, inputShape: new long[] { 4 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { recorder, new Dense(1) }, inputShape: new long[] { 64 }, name: "discriminator");
        using var gan = new GanModel(generator, discriminator, 4, seed: 3) { Augmentation = new DiffAugment("cutout") };
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new NonSaturatingLoss());
        using var data = new InMemoryDataset(torch.rand(16, 64) * 0.5 + 0.25);

        // When one step trains on 16 images (D sees real, then fake; G's update sees fake), then one without augmentation
        gan.Fit(data, epochs: 1, batchSize: 16);
        var augmented = recorder.Inputs.ToArray();
        recorder.Inputs.Clear();
        gan.Augmentation = null;
        gan.Fit(data, epochs: 1, batchSize: 16);

        // Then every image of the three augmented batches has a cut-out square (zeros; the data and tanh outputs have none)
        Assert.Equal(3, augmented.Length);
        foreach (var batch in augmented)
            Assert.True(batch.eq(0).any(1).all().item<bool>(), "an image without a cut-out");
        // with draws of their own (the real and the fake batch are not cut in the same places), and none without augmentation
        Assert.False(augmented[0].eq(0).eq(augmented[1].eq(0)).all().item<bool>());
        Assert.All(recorder.Inputs, batch => Assert.False(batch.eq(0).any().item<bool>()));
    }

    [Fact]
    public void Color_IsTheAuthorsBrightnessSaturationAndContrast_WithOneDrawPerExampleForEach()
    {
        // Given a batch of colour images, and the three uniform draws per example DiffAugment makes from the same seed
        using var scope = torch.NewDisposeScope();
        const int n = 3, c = 3, h = 2, w = 3, size = c * h * w;
        var images = torch.rand(n, c, h, w, generator: new torch.Generator(11)) * 2 - 1;
        var draws = new torch.Generator(5);
        float[] brightness = Draws(draws, n, 1, 1, 1), saturation = Draws(draws, n, 1, 1, 1), contrast = Draws(draws, n, 1, 1, 1);

        // When
        var actual = new DiffAugment("color").Apply(images, new torch.Generator(5)).data<float>().ToArray();

        // Then each image is x + (u1 - 1/2), then (x - its channel mean per pixel) * 2 u2 + that mean, then
        // (x - its image mean) * (u3 + 1/2) + that mean, computed here pixel by pixel in double precision
        float[] x = images.data<float>().ToArray();
        for (int i = 0; i < n; i++)
        {
            var bright = Enumerable.Range(0, size).Select(k => x[(i * size) + k] + (brightness[i] - 0.5)).ToArray();
            var saturated = new double[size];
            for (int p = 0; p < h * w; p++)
            {
                double channelMean = Enumerable.Range(0, c).Average(ch => bright[(ch * h * w) + p]);
                for (int ch = 0; ch < c; ch++)
                    saturated[(ch * h * w) + p] = ((bright[(ch * h * w) + p] - channelMean) * 2 * saturation[i]) + channelMean;
            }
            double imageMean = saturated.Average();
            for (int k = 0; k < size; k++)
                Assert.Equal(((saturated[k] - imageMean) * (contrast[i] + 0.5)) + imageMean, actual[(i * size) + k], 1e-5);
        }
    }

    [Fact]
    public void Translation_ShiftsEachImageByItsOwnDraw_OfUpToRatioTimesTheSideRoundedPixels()
    {
        // Given 8 gray 6x10 images of distinct positive values, and the two draws per example DiffAugment makes from the same seed
        using var scope = torch.NewDisposeScope();
        const int n = 8, h = 6, w = 10;
        var images = (torch.arange(n * h * w, dtype: torch.float32) + 1).reshape(n, 1, h, w);
        var draws = new torch.Generator(9);
        double[] rowDraws = IntegerDraws(draws, n), columnDraws = IntegerDraws(draws, n);

        // When the largest shift is a quarter of the side
        var actual = new DiffAugment("translation", translationRatio: 0.25).Apply(images, new torch.Generator(9)).data<float>().ToArray();

        // Then the largest shifts are floor(side / 4 + 1/2): 2 rows (6 / 4 = 1.5) and 3 columns (10 / 4 = 2.5); each image
        // reads pixel (y + dy, x + dx) of the original, zero outside it, with dy and dx uniform integers in [-2, 2] and [-3, 3]
        long[] dys = rowDraws.Select(u => UniformInteger(u, -2, 2)).ToArray(), dxs = columnDraws.Select(u => UniformInteger(u, -3, 3)).ToArray();
        Assert.Contains(dys, dy => Math.Abs(dy) == 2);
        Assert.Contains(dxs, dx => Math.Abs(dx) == 3);
        float[] x = images.data<float>().ToArray();
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int col = 0; col < w; col++)
                {
                    long sy = y + dys[i], sx = col + dxs[i];
                    float expected = sy is >= 0 and < h && sx is >= 0 and < w ? x[(i * h * w) + (sy * w) + sx] : 0;
                    Assert.Equal(expected, actual[(i * h * w) + (y * w) + col]);
                }
    }

    [Theory]
    [InlineData(7, 6)] // a square of 4 rows (7 / 2 = 3.5) by 3 columns (6 / 2 = 3)
    [InlineData(5, 8)] // 3 rows by 4 columns
    public void Cutout_ZeroesOneSquarePerImage_AroundItsOwnDrawnCentre_ClippedAtTheBorder(int h, int w)
    {
        // Given 8 white images, and the two draws per example DiffAugment makes from the same seed
        using var scope = torch.NewDisposeScope();
        const int n = 8;
        var images = torch.ones(n, 1, h, w);
        var draws = new torch.Generator(4);
        double[] rowDraws = IntegerDraws(draws, n), columnDraws = IntegerDraws(draws, n);

        // When the square's side is half the image's
        var actual = new DiffAugment("cutout", cutoutRatio: 0.5).Apply(images, new torch.Generator(4)).data<float>().ToArray();

        // Then the square is floor(side / 2 + 1/2) pixels each way; its centre is a uniform integer in
        // [0, side - (square side mod 2)], its first row and column half a square side (rounded down) before it
        int rows = (h + 1) / 2, columns = (w + 1) / 2;
        long[] tops = rowDraws.Select(u => UniformInteger(u, 0, h - (rows % 2)) - (rows / 2)).ToArray();
        long[] lefts = columnDraws.Select(u => UniformInteger(u, 0, w - (columns % 2)) - (columns / 2)).ToArray();
        Assert.Contains(tops, top => top < 0 || top + rows > h);
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int col = 0; col < w; col++)
                {
                    bool inside = y >= tops[i] && y < tops[i] + rows && col >= lefts[i] && col < lefts[i] + columns;
                    Assert.Equal(inside ? 0f : 1f, actual[(i * h * w) + (y * w) + col]);
                }
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Ratios_AcceptTheClosedUnitInterval(double ratio)
    {
        var augment = new DiffAugment(translationRatio: ratio, cutoutRatio: ratio);

        Assert.Equal(ratio, augment.TranslationRatio);
        Assert.Equal(ratio, augment.CutoutRatio);
    }

    [Theory]
    [InlineData(-0.01)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void Ratios_OutsideTheUnitInterval_AreRefused_NamingTheParameter(double ratio)
    {
        Assert.Equal("translationRatio", Assert.Throws<ArgumentOutOfRangeException>(() => new DiffAugment(translationRatio: ratio)).ParamName);
        Assert.Equal("cutoutRatio", Assert.Throws<ArgumentOutOfRangeException>(() => new DiffAugment(cutoutRatio: ratio)).ParamName);
    }

    [Fact]
    public void Policy_IgnoresSpacesAndEmptyEntries_AndAppliesInTheCanonicalOrder()
    {
        Assert.Equal(new[] { "color", "cutout" }, new DiffAugment(" cutout , ,color ").Policy);
    }

    [Fact]
    public void Apply_RefusesNull()
    {
        Assert.Equal("samples", Assert.Throws<ArgumentNullException>(() => new DiffAugment().Apply(null!)).ParamName);
    }

    // DiffAugment's colour draws: uniform float32 in [0, 1), one per example.
    private static float[] Draws(torch.Generator generator, params long[] shape) =>
        torch.rand(shape, generator: generator).data<float>().ToArray();

    // DiffAugment's integer draws: uniform float64 in [0, 1), one per example.
    private static double[] IntegerDraws(torch.Generator generator, long n) =>
        torch.rand(new[] { n, 1, 1 }, generator: generator, dtype: torch.float64).data<double>().ToArray();

    // An integer uniform in [low, high] from a draw u in [0, 1).
    private static long UniformInteger(double u, long low, long high) => low + Math.Min((long)Math.Floor(u * (high - low + 1)), high - low);

    private sealed class RecordingLayer : Layer
    {
        public RecordingLayer() : base(null) { }

        public List<torch.Tensor> Inputs { get; } = new();

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => new FlattenConfig(Name);

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
        {
            if (training) Inputs.Add(inputs.detach().clone().DetachFromDisposeScope());
            return inputs.alias();
        }
    }
}
