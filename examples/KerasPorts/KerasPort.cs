using System.Globalization;
using Gan.Keras.Export.Images;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts;

/// <summary>
/// One ported Keras example: its subcommand name (the original's file name), a one-line description naming the
/// original, and <see cref="Run"/>, which follows the original's structure step for step.
/// </summary>
internal abstract class KerasPort
{
    /// <summary>Gets the subcommand name, e.g. <c>acgan</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Gets a one-line description naming the original example.</summary>
    public abstract string Description { get; }

    /// <summary>Runs the port for <see cref="PortSettings.Steps"/> steps.</summary>
    public abstract void Run(PortSettings settings);

    /// <summary>
    /// Prints <c>params &lt;network&gt; &lt;total&gt; &lt;trainable&gt;</c>: the two counts of Keras's <c>summary()</c>
    /// (non-trainable weights such as moving statistics count in the total, as Keras counts them).
    /// </summary>
    protected static void PrintParams(string network, Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long trainable = model.TrainableVariables.Sum(v => v.numel());
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"params {network} {model.CountParams()} {trainable}"));
    }

    /// <summary>
    /// Writes the run into <see cref="PortSettings.Out"/> (nothing when it is null): the sample grid <c>samples.png</c>
    /// (images in [−1, 1], <paramref name="columns"/> per row), and the trained GAN as <c>gan.keras</c>
    /// (<see cref="GanModel.Save"/>), which <c>gan sample|export|serve|eval --checkpoint DIR</c> opens.
    /// </summary>
    /// <remarks>
    /// A <see cref="GanModel"/> subclass (a port that overrides the step) is saved once registered
    /// (<see cref="Saving.SerializableGans"/>); one that is not makes the port say why and write the grid only. Ports whose
    /// networks are not one <see cref="GanModel"/> (CycleGAN's four) pass null and save their networks themselves.
    /// </remarks>
    /// <returns>The path of the sample grid, or null when no folder was given.</returns>
    protected static string? WriteRun(PortSettings settings, GanModel? gan, torch.Tensor samples, int columns)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(samples);
        if (settings.Out is null) return null;
        Directory.CreateDirectory(settings.Out);
        if (gan is not null)
        {
            // The GAN file the gan CLI opens (sample, export, serve, eval); an unregistered GanModel subclass cannot be
            // saved (its step is C# code), so such a port keeps its grid only and says so.
            string ganPath = Path.Combine(settings.Out, "gan.keras");
            try
            {
                gan.Save(ganPath);
                Console.WriteLine($"gan {ganPath}");
            }
            catch (NotSupportedException e)
            {
                Console.WriteLine($"gan not saved: {e.Message}");
            }
        }
        string path = Path.Combine(settings.Out, "samples.png");
        ImageGrid.SavePng(path, samples, columns);
        Console.WriteLine($"samples {path}");
        return path;
    }
}
