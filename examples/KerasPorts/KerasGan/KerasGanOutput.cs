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
    /// The originals' <c>save_model</c>, which writes each network's architecture (<c>model.to_json()</c>) and weights
    /// (<c>save_weights</c>): both in one file per network, <c>DIR/saved_model/&lt;name&gt;.keras</c> (<see cref="Model.Save"/>,
    /// Keras 3's <c>model.save</c>; <see cref="Model.Load"/> reads it back), or nothing without <c>--out</c>. A network
    /// no file can describe (a <see cref="Layers.Lambda"/>) is written as its weights, <c>&lt;name&gt;.weights.safetensors</c>.
    /// </summary>
    /// <param name="settings">The port's settings (<see cref="PortSettings.Out"/>).</param>
    /// <param name="networks">The networks by name (<c>generator</c>, <c>discriminator</c>, <c>encoder</c>, ...).</param>
    public static void SaveModel(PortSettings settings, params (string Name, Model Network)[] networks)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(networks);
        if (settings.Out is null) return;
        string folder = Path.Combine(settings.Out, "saved_model");
        Directory.CreateDirectory(folder);
        foreach (var (name, network) in networks)
        {
            try
            {
                network.Save(Path.Combine(folder, $"{name}.keras"));
            }
            catch (NotSupportedException e)
            {
                // A network no file describes (InfoGAN's Q heads hold a Lambda): its weights alone, as save_weights.
                Console.WriteLine($"{name} saved as weights only: {e.Message}");
                var weights = network.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach(), StringComparer.Ordinal);
                try { SafeTensorsFile.Save(Path.Combine(folder, $"{name}.weights.safetensors"), weights); }
                finally { foreach (var tensor in weights.Values) tensor.Dispose(); }
            }
        }
    }

    /// <summary>
    /// Writes the trained GAN as one file the <c>gan</c> CLI opens (<c>gan sample</c>, <c>export</c>, <c>serve</c>):
    /// <see cref="GanModel.Save"/> of a <see cref="GanModel"/> wrapping the port's generator and discriminator, as
    /// <c>DIR/&lt;fileName&gt;</c>, or nothing without <c>--out</c>. The port's addition: the originals keep no such file.
    /// </summary>
    /// <param name="settings">The port's settings (<see cref="PortSettings.Out"/> and the seed).</param>
    /// <param name="fileName">The file's name, e.g. <c>gan.keras</c>.</param>
    /// <param name="generator">The generator.</param>
    /// <param name="discriminator">The discriminator (its first input the samples, a second one the labels).</param>
    /// <param name="generatorInputs">What the generator's inputs are, in order (latent vector first, then labels).</param>
    public static void WriteRun(PortSettings settings, string fileName, Model generator, Model discriminator, IReadOnlyList<GeneratorInput> generatorInputs)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (settings.Out is null) return;
        Directory.CreateDirectory(settings.Out);
        // Not disposed: a GanModel disposes its networks, which the port still owns (and CoGAN's share layers with the
        // other pair); it holds nothing else but its random generator.
        var gan = new GanModel(generator, discriminator, generatorInputs, seed: settings.Seed);
        gan.Save(Path.Combine(settings.Out, fileName));
    }
}
