using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Models;
using Gan.Keras.Training.Runs;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// A run written by <c>gan train</c>, opened from what <c>--checkpoint</c> points at (<see cref="RunFolder.Locate"/>)
/// for the commands that use its trained generator (<c>gan export</c>, <c>gan serve</c>): its settings and its GAN with
/// the weights (and weight average) of one checkpoint, verified against the manifest.
/// </summary>
/// <param name="Folder">The run folder.</param>
/// <param name="Configuration">The run's settings (run.json).</param>
/// <param name="Gan">The GAN with the checkpoint's weights, on the CPU; disposed with this.</param>
/// <param name="Entry">The checkpoint loaded.</param>
internal sealed record SavedRun(RunFolder Folder, RunConfiguration Configuration, GanModel Gan, CheckpointEntry Entry) : IDisposable
{
    /// <summary>Gets the path of the checkpoint loaded.</summary>
    public string CheckpointFile => Path.Combine(Folder.CheckpointFolder, Entry.File);

    /// <summary>Opens the run <paramref name="path"/> points at.</summary>
    /// <param name="path">A run folder, its checkpoints/ folder, or one checkpoint file.</param>
    /// <param name="option">The option's name, for errors.</param>
    /// <exception cref="UsageException">The path is not a training run.</exception>
    public static SavedRun Load(string path, string option = "--checkpoint")
    {
        RunFolder run;
        string? file;
        try
        {
            run = RunFolder.Locate(path, out file);
        }
        catch (ArgumentException ex)
        {
            throw new UsageException($"{option} {ex.Message}", ex);
        }
        var configuration = run.LoadConfiguration();
        var gan = run.LoadGan(file, out var entry);
        return new SavedRun(run, configuration, gan, entry);
    }

    /// <summary>Releases the GAN.</summary>
    public void Dispose() => Gan.Dispose();
}
