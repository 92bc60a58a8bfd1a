using Gan.Keras.Export.Images;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Differentiable augmentation (Zhao, Liu, Lin, Zhu &amp; Han, "Differentiable Augmentation for Data-Efficient GAN
/// Training", NeurIPS 2020): random colour, translation and cutout transforms applied to <b>both</b> real and generated
/// samples every time the discriminator sees them in training, built from differentiable operations so the generator's
/// gradient flows through them. Set it as <c>GanModel.Augmentation</c>.
/// </summary>
/// <remarks>
/// The transforms follow the authors' <c>DiffAugment_pytorch.py</c>, each with its own random draw per example:
/// <list type="bullet">
/// <item><c>color</c>: brightness <c>x + (u − 0.5)</c>, saturation <c>(x − m_c)·2u + m_c</c> around the per-pixel
/// channel mean, contrast <c>(x − m)·(u + 0.5) + m</c> around the per-image mean (u ~ U(0, 1)).</item>
/// <item><c>translation</c>: an integer shift of up to ⌊ratio·side + 0.5⌋ pixels (ratio 1/8) along each axis, zeros
/// shifted in; computed with <c>gather</c>.</item>
/// <item><c>cutout</c>: a zeroed square of side ⌊ratio·side + 0.5⌋ (ratio 1/2) at a random centre, clipped at the border.</item>
/// </list>
/// Real and generated batches get the same policy (the same transforms in the same order) with independent draws, as
/// in the paper. Flat samples (an MLP's <c>[n, h·w]</c> or <c>[n, 3·h·w]</c>) are treated as the square images they
/// hold and returned flat. Random numbers come from the generator passed to <see cref="Apply"/>.
/// </remarks>
public sealed class DiffAugment
{
    /// <summary>The transform names, in the order they are applied.</summary>
    public static readonly IReadOnlyList<string> TransformNames = new[] { "color", "translation", "cutout" };

    /// <summary>Initializes a new instance of the <see cref="DiffAugment"/> class.</summary>
    /// <param name="policy">Comma-separated transforms from <see cref="TransformNames"/>; the paper's default is all three.</param>
    /// <param name="translationRatio">The largest shift as a fraction of the side (1/8 in the paper).</param>
    /// <param name="cutoutRatio">The cut-out square's side as a fraction of the image side (1/2 in the paper).</param>
    /// <exception cref="ArgumentException">The policy names an unknown transform or is empty.</exception>
    public DiffAugment(string policy = "color,translation,cutout", double translationRatio = 0.125, double cutoutRatio = 0.5)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(policy);
        if (!(translationRatio is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(translationRatio), translationRatio, "Use a fraction of the side in [0, 1] (the paper: 0.125).");
        if (!(cutoutRatio is >= 0 and <= 1)) throw new ArgumentOutOfRangeException(nameof(cutoutRatio), cutoutRatio, "Use a fraction of the side in [0, 1] (the paper: 0.5).");
        var names = policy.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var unknown = names.Where(n => !TransformNames.Contains(n)).ToArray();
        if (unknown.Length > 0)
            throw new ArgumentException($"DiffAugment policy '{policy}' has unknown transform(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))}. Use a comma-separated subset of {string.Join(", ", TransformNames)}.", nameof(policy));
        Policy = TransformNames.Where(names.Contains).ToArray();
        TranslationRatio = translationRatio;
        CutoutRatio = cutoutRatio;
    }

    /// <summary>Gets the transforms applied, in order.</summary>
    public IReadOnlyList<string> Policy { get; }

    /// <summary>Gets the largest translation as a fraction of the side.</summary>
    public double TranslationRatio { get; }

    /// <summary>Gets the cut-out square's side as a fraction of the image side.</summary>
    public double CutoutRatio { get; }

    /// <summary>Augments a batch of images, differentiably; a new tensor of the input's shape.</summary>
    /// <param name="samples">Images <c>[n, c, h, w]</c>, <c>[n, h, w]</c>, or flat square images, in [−1, 1].</param>
    /// <param name="generator">The random generator of the draws (CPU); the global one when null.</param>
    public torch.Tensor Apply(torch.Tensor samples, torch.Generator? generator = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var scope = torch.NewDisposeScope();
        var x = ImageLayout.ToNchw(samples);
        foreach (var name in Policy)
        {
            x = name switch
            {
                "color" => Color(x, generator),
                "translation" => Translation(x, generator),
                _ => Cutout(x, generator),
            };
        }
        return x.reshape(samples.shape).MoveToOuterDisposeScope();
    }

    private static torch.Tensor Uniform(torch.Tensor like, long[] shape, torch.Generator? generator) =>
        torch.rand(shape, generator: generator).to(like.dtype).to(like.device);

    private static torch.Tensor Color(torch.Tensor x, torch.Generator? generator)
    {
        long n = x.shape[0];
        var shape = new long[] { n, 1, 1, 1 };
        x = x + (Uniform(x, shape, generator) - 0.5);
        var channelMean = x.mean(new long[] { 1 }, keepdim: true);
        x = (x - channelMean) * (Uniform(x, shape, generator) * 2) + channelMean;
        var imageMean = x.mean(new long[] { 1, 2, 3 }, keepdim: true);
        return (x - imageMean) * (Uniform(x, shape, generator) + 0.5) + imageMean;
    }

    // An integer in [low, high] per example, as int64 [n, 1, 1].
    private static torch.Tensor RandomInt(torch.Tensor like, long low, long high, torch.Generator? generator)
    {
        var u = torch.rand(new long[] { like.shape[0], 1, 1 }, generator: generator, dtype: torch.float64);
        return (u * (high - low + 1)).floor().clamp_max(high - low).to_type(torch.int64).add(low).to(like.device);
    }

    private torch.Tensor Translation(torch.Tensor x, torch.Generator? generator)
    {
        long n = x.shape[0], c = x.shape[1], h = x.shape[2], w = x.shape[3];
        long shiftY = (long)(h * TranslationRatio + 0.5), shiftX = (long)(w * TranslationRatio + 0.5);
        var ty = RandomInt(x, -shiftY, shiftY, generator);
        var tx = RandomInt(x, -shiftX, shiftX, generator);
        // Output pixel (y, x) reads padded pixel (y + ty + 1, x + tx + 1); the one-pixel zero border fills what moves in.
        var rows = (torch.arange(h, device: x.device).reshape(1, h, 1) + ty + 1).clamp(0, h + 1);
        var cols = (torch.arange(w, device: x.device).reshape(1, 1, w) + tx + 1).clamp(0, w + 1);
        var index = (rows * (w + 2) + cols).reshape(n, 1, h * w).expand(n, c, h * w);
        var padded = torch.nn.functional.pad(x, new long[] { 1, 1, 1, 1 }).reshape(n, c, (h + 2) * (w + 2));
        return padded.gather(2, index).reshape(n, c, h, w);
    }

    private torch.Tensor Cutout(torch.Tensor x, torch.Generator? generator)
    {
        long h = x.shape[2], w = x.shape[3];
        long sizeY = (long)(h * CutoutRatio + 0.5), sizeX = (long)(w * CutoutRatio + 0.5);
        // The square's centre lies anywhere in the image (as the authors' offset in [0, side + (1 − size mod 2))).
        var top = RandomInt(x, 0, h - (sizeY % 2 == 0 ? 0 : 1), generator) - sizeY / 2;
        var left = RandomInt(x, 0, w - (sizeX % 2 == 0 ? 0 : 1), generator) - sizeX / 2;
        var rows = torch.arange(h, device: x.device).reshape(1, h, 1);
        var cols = torch.arange(w, device: x.device).reshape(1, 1, w);
        var inside = (rows >= top) & (rows < top + sizeY) & (cols >= left) & (cols < left + sizeX);
        return x * inside.logical_not().unsqueeze(1).to(x.dtype);
    }
}
