using Gan.Keras.Export.Images;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>Where a Keras-GAN port writes what its original writes: the <c>sample_images</c> grids.</summary>
internal static class KerasGanOutput
{
    /// <summary>
    /// Saves a grid of generated images (tanh output in [−1, 1]; the originals' <c>0.5 * gen_imgs + 0.5</c> and
    /// <c>fig.savefig("images/%d.png" % epoch)</c>) as <c>DIR/images/&lt;epoch&gt;.png</c>, or nothing without <c>--out</c>.
    /// </summary>
    /// <param name="settings">The port's settings (<see cref="PortSettings.Out"/>).</param>
    /// <param name="epoch">The training step the grid is drawn at.</param>
    /// <param name="images"><c>[r·c, 1, 28, 28]</c> images, row by row.</param>
    /// <param name="columns">The grid's columns (<c>c</c> of <c>plt.subplots(r, c)</c>).</param>
    public static void SampleImages(PortSettings settings, int epoch, torch.Tensor images, int columns)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Out is null) return;
        string folder = Path.Combine(settings.Out, "images");
        Directory.CreateDirectory(folder);
        ImageGrid.SavePng(Path.Combine(folder, $"{epoch}.png"), images, columns);
    }
}
