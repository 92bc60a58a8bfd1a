using System.Globalization;
using Gan.Keras.Models;
using Gan.Keras.Training.Runs;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// A trained GAN opened from what <c>--checkpoint</c> points at (<see cref="SavedGan.Open"/>): a run of <c>gan train</c>,
/// a port's output folder or <see cref="Callbacks.ModelCheckpoint"/> folder, one checkpoint, or a file written by
/// <see cref="GanModel.Save"/>; for the commands that use its generator (<c>gan sample</c>, <c>export</c>, <c>serve</c>).
/// </summary>
/// <param name="Saved">The GAN and where it came from; disposed with this.</param>
internal sealed record SavedRun(SavedGan Saved) : IDisposable
{
    /// <summary>Gets the GAN, on the CPU.</summary>
    public GanModel Gan => Saved.Gan;

    /// <summary>Gets the run's settings, or null when the GAN does not come from a run of <c>gan train</c>.</summary>
    public RunConfiguration? Configuration => Saved.Configuration;

    /// <summary>Gets the file the weights came from.</summary>
    public string File => Saved.File;

    /// <summary>Gets the model's name: the run's preset, else the generator's name.</summary>
    public string ModelName => Configuration?.ModelOrDefault ?? Gan.Generator.Name;

    /// <summary>Gets the seed samples are drawn with by default: the run's, else the GAN's.</summary>
    public long Seed => Configuration?.Seed ?? Gan.Seed;

    /// <summary>Gets the per-example shape of a sample.</summary>
    public IReadOnlyList<long> SampleShape => Configuration?.SampleShape ?? Gan.Generator.OutputShapes![0];

    /// <summary>Gets <c>"epoch N, SHA-256 verified; "</c> for a checkpoint, nothing for a saved file.</summary>
    public string EpochNote => Saved.Epoch is { } epoch ? string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}{(Saved.Verified ? ", SHA-256 verified" : string.Empty)}; ") : string.Empty;

    /// <summary>Gets the path of a file in the folder outputs go to by default.</summary>
    public string Combine(string name) => Path.Combine(Saved.Folder, name);

    /// <summary>Opens the GAN <paramref name="path"/> points at.</summary>
    /// <param name="path">A run folder, a checkpoint folder or file, a folder with checkpoints/, or a saved GAN file.</param>
    /// <param name="option">The option's name, for errors.</param>
    /// <exception cref="UsageException">The path is none of those.</exception>
    public static SavedRun Load(string path, string option = "--checkpoint")
    {
        try
        {
            return new SavedRun(SavedGan.Open(path));
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{option} {ex.Message}", ex);
        }
    }

    /// <summary>Releases the GAN.</summary>
    public void Dispose() => Saved.Dispose();
}
