using TorchSharp;

namespace Gan.Keras.Internal;

/// <summary>
/// What Keras's geometric augmentation layers share (<c>RandomTranslation</c>, <c>RandomRotation</c>, <c>RandomZoom</c>):
/// their factor ranges, fill modes, interpolations, per-example uniform draws, and one affine resampling of NCHW images.
/// </summary>
internal static class ImageTransforms
{
    /// <summary>Keras's fill modes that resampling supports.</summary>
    public static IReadOnlyList<string> FillModes { get; } = new[] { "reflect", "nearest", "constant" };

    /// <summary>Checks a Keras fill mode: <c>reflect</c> (d c b a | a b c d | d c b a), <c>nearest</c> (a a | a b c d | d d) or <c>constant</c>.</summary>
    public static string FillMode(string fillMode, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(fillMode, parameterName);
        string lower = fillMode.ToLowerInvariant();
        if (!FillModes.Contains(lower))
            throw new ArgumentException($"fillMode must be one of {string.Join(", ", FillModes.Select(m => $"\"{m}\""))}, but got \"{fillMode}\"" +
                (lower == "wrap" ? " (Keras's \"wrap\" is not supported here)." : "."), parameterName);
        return lower;
    }

    /// <summary>Checks an interpolation name: <c>bilinear</c> (Keras's default) or <c>nearest</c>.</summary>
    public static string Interpolation(string interpolation, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(interpolation, parameterName);
        string lower = interpolation.ToLowerInvariant();
        if (lower is not ("bilinear" or "nearest"))
            throw new ArgumentException($"interpolation must be \"bilinear\" or \"nearest\", but got \"{interpolation}\".", parameterName);
        return lower;
    }

    /// <summary>Checks a Keras factor range <c>(lower, upper)</c>: finite, lower ≤ upper, each within ±<paramref name="bound"/> when given.</summary>
    public static (double Lower, double Upper) Factor((double Lower, double Upper) factor, string parameterName, double? bound = null)
    {
        if (!double.IsFinite(factor.Lower) || !double.IsFinite(factor.Upper) || factor.Lower > factor.Upper
            || (bound is { } b && (Math.Abs(factor.Lower) > b || Math.Abs(factor.Upper) > b)))
            throw new ArgumentOutOfRangeException(parameterName, factor,
                $"A factor range (lower, upper) needs finite values with lower <= upper{(bound is { } limit ? $", each within [-{limit}, {limit}]" : string.Empty)}; a single value f means (-f, f).");
        return factor;
    }

    /// <summary>Draws one value per example from U[lower, upper) with <paramref name="generator"/> (the global one when null), as a float32 CPU tensor <c>[n]</c>.</summary>
    public static torch.Tensor Uniform(long n, (double Lower, double Upper) range, torch.Generator? generator)
    {
        var unit = torch.rand(new[] { n }, torch.float32, generator: generator);
        return unit.mul_(range.Upper - range.Lower).add_(range.Lower);
    }

    /// <summary>
    /// Resamples NCHW images through per-example affine maps <paramref name="theta"/> <c>[batch, 2, 3]</c> from output
    /// to input coordinates, in normalised coordinates (−1 and 1 are the outer edges of the image, pixel centres at
    /// <c>(2i + 1)/size − 1</c>), as Keras's <c>affine_transform</c> does in pixel coordinates.
    /// </summary>
    public static torch.Tensor Resample(torch.Tensor images, torch.Tensor theta, string interpolation, string fillMode, double fillValue)
    {
        using var scope = torch.NewDisposeScope();
        var grid = torch.nn.functional.affine_grid(theta.to(images.dtype).to(images.device), images.shape, align_corners: false);
        var mode = interpolation == "nearest" ? torch.GridSampleMode.Nearest : torch.GridSampleMode.Bilinear;
        var padding = fillMode switch
        {
            "reflect" => torch.GridSamplePaddingMode.Reflection,
            "nearest" => torch.GridSamplePaddingMode.Border,
            _ => torch.GridSamplePaddingMode.Zeros,
        };
        // Constant fill: sample x − k with zeros outside, then add k back.
        bool shift = fillMode == "constant" && fillValue != 0;
        var source = shift ? images - fillValue : images;
        var output = torch.nn.functional.grid_sample(source, grid, mode, padding, align_corners: false);
        return (shift ? output + fillValue : output).MoveToOuterDisposeScope();
    }
}
