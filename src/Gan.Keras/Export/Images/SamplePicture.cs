using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Export.Images;

/// <summary>Renders what a generator makes from given noise: a PNG grid for images, a PNG scatter plot for 2-D points.</summary>
public static class SamplePicture
{
    /// <summary>Gets a value indicating whether samples of this per-example shape are drawn as a scatter plot (2-D points) rather than an image grid.</summary>
    public static bool IsPoints(IReadOnlyList<long> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        return sampleShape.Count == 1 && sampleShape[0] == 2;
    }

    /// <summary>
    /// Generates from <paramref name="noise"/> in inference mode (<see cref="GanModel.GenerateFrom(TorchSharp.torch.Tensor, TorchSharp.torch.Tensor?)"/>: a conditional
    /// model gets ascending labels, one class per grid row) and renders the samples as PNG bytes.
    /// </summary>
    /// <param name="gan">The GAN whose generator to run.</param>
    /// <param name="noise">Latent vectors <c>[n, latentDim]</c>.</param>
    /// <param name="modes">For 2-D points: the true modes to draw under the samples, or null.</param>
    /// <param name="title">For 2-D points: the plot's title.</param>
    /// <returns>The PNG file's bytes.</returns>
    public static byte[] Render(GanModel gan, torch.Tensor noise, double[,]? modes = null, string title = "Generated samples")
    {
        ArgumentNullException.ThrowIfNull(gan);
        ArgumentNullException.ThrowIfNull(noise);
        // Generating makes intermediate activations: they die with this scope (the result is plain bytes).
        using var scope = torch.NewDisposeScope();
        return Render(gan.GenerateFrom(noise), modes, title, gan.OutputRange);
    }

    /// <summary>Renders samples <c>[n, ...]</c> as PNG bytes: a scatter plot for <c>[n, 2]</c>, else an image grid of values in <paramref name="range"/> ([−1, 1] by default).</summary>
    public static byte[] Render(torch.Tensor samples, double[,]? modes = null, string title = "Generated samples", (double Low, double High)? range = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        return IsPoints(samples.shape.Skip(1).ToArray())
            ? ScatterPlot.EncodePng(samples, modes, title)
            : ImageGrid.EncodePng(samples, range: range);
    }
}
