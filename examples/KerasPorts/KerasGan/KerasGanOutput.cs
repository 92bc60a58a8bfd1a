using Gan.Keras.Export;
using Gan.Keras.Export.Images;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>Where a Keras-GAN port writes what its original writes: the <c>sample_images</c> grids and the trained networks.</summary>
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

    /// <summary>
    /// Writes the trained networks into <c>--out</c> (nothing without it): today each network's weights as
    /// <c>DIR/saved_model/&lt;name&gt;.safetensors</c> (TorchSharp state-dict names), which is what the originals'
    /// <c>save_model</c> keeps (<c>model.save_weights</c>; the JSON architecture has no counterpart here: the port's code
    /// is the architecture). The hook for the run folder the <c>gan</c> CLI opens: once <c>GanModel.Save</c> (issue 20)
    /// is on main, this is the one place that writes it.
    /// </summary>
    /// <param name="settings">The port's settings (<see cref="PortSettings.Out"/>).</param>
    /// <param name="networks">The networks by name (<c>generator</c>, <c>discriminator</c>, <c>encoder</c>, ...).</param>
    public static void WriteRun(PortSettings settings, params (string Name, Model Network)[] networks)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(networks);
        if (settings.Out is null) return;
        string folder = Path.Combine(settings.Out, "saved_model");
        Directory.CreateDirectory(folder);
        foreach (var (name, network) in networks)
        {
            var weights = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach(), StringComparer.Ordinal);
            try { SafeTensorsFile.Save(Path.Combine(folder, $"{name}.safetensors"), weights); }
            finally { foreach (var tensor in weights.Values) tensor.Dispose(); }
        }
    }
}
