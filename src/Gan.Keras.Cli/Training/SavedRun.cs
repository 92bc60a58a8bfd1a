using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Models;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// A run written by <c>gan train</c>, rebuilt from its folder for the commands that use a trained generator
/// (<c>gan sample</c>, <c>gan export</c>, <c>gan serve</c>): its <c>run.json</c>, one checkpoint verified against the
/// manifest's SHA-256, and the GAN with that checkpoint's weights (and the generator's moving average when the
/// checkpoint holds one).
/// </summary>
internal sealed class SavedRun : IDisposable
{
    private SavedRun(string runDirectory, string checkpointDirectory, CheckpointEntry entry, RunOptions options, string model, IReadOnlyList<long> sampleShape, GanModel gan)
    {
        RunDirectory = runDirectory;
        CheckpointDirectory = checkpointDirectory;
        Entry = entry;
        Options = options;
        Model = model;
        SampleShape = sampleShape;
        Gan = gan;
    }

    /// <summary>Gets the run folder (the <c>--out</c> of <c>gan train</c>).</summary>
    public string RunDirectory { get; }

    /// <summary>Gets the checkpoint folder.</summary>
    public string CheckpointDirectory { get; }

    /// <summary>Gets the checkpoint loaded (from the manifest).</summary>
    public CheckpointEntry Entry { get; }

    /// <summary>Gets the path of the checkpoint loaded.</summary>
    public string CheckpointFile => Path.Combine(CheckpointDirectory, Entry.File);

    /// <summary>Gets the run's settings (<c>run.json</c>).</summary>
    public RunOptions Options { get; }

    /// <summary>Gets the model preset's name.</summary>
    public string Model { get; }

    /// <summary>Gets the shape of one sample.</summary>
    public IReadOnlyList<long> SampleShape { get; }

    /// <summary>Gets the GAN, with the checkpoint's weights, on the CPU.</summary>
    public GanModel Gan { get; }

    /// <summary>Rebuilds the run that <paramref name="path"/> points to: a run folder, its <c>checkpoints/</c> folder, or one checkpoint file in it.</summary>
    /// <param name="path">The <c>--checkpoint</c> value.</param>
    /// <param name="option">The option's name, for errors.</param>
    /// <exception cref="UsageException">The path is not a training run.</exception>
    /// <exception cref="InvalidDataException">run.json or the checkpoint is incomplete, corrupt or from another architecture.</exception>
    public static SavedRun Load(string path, string option = "--checkpoint")
    {
        var (runDirectory, checkpointDirectory, file) = Locate(path, option);
        string runFile = Path.Combine(runDirectory, RunOptions.RunFileName);
        var options = RunOptions.Load(runFile, new RunOptions(), isRunFile: true);
        string model = options.Model ?? RunFactory.DefaultModelFor(options.Data);
        var sampleShape = options.SampleShape
            ?? throw new InvalidDataException($"'{runFile}' has no 'sample-shape'; it was not written by `gan train`.");
        var manager = new CheckpointManager(checkpointDirectory);
        var entry = file is null
            ? manager.Latest ?? throw new InvalidDataException($"Checkpoint manifest '{manager.ManifestPath}' lists no checkpoint.")
            : manager.Entries.FirstOrDefault(e => e.File == Path.GetFileName(file))
                ?? throw new InvalidDataException($"'{file}' is not listed in '{manager.ManifestPath}', so its hash cannot be verified. Use one of: {string.Join(", ", manager.Entries.Select(e => e.File))}.");
        RandomSeed.Set(options.Seed);
        var gan = RunFactory.CreateGan(model, options.Loss, sampleShape, options.Seed);
        try
        {
            using var checkpoint = manager.Load(entry);
            // A checkpoint of a model that averaged its generator holds the average (generator_ema.*): keep it, so the
            // generator is used as Generate uses it. Only the average's values are read here, not its decay.
            if (checkpoint.TensorNames.Any(n => n.StartsWith("generator_ema.", StringComparison.Ordinal))) gan.GeneratorEmaDecay = 0.999;
            checkpoint.RestoreWeightsInto(gan);
        }
        catch
        {
            gan.Dispose();
            throw;
        }
        return new SavedRun(runDirectory, checkpointDirectory, entry, options, model, sampleShape, gan);
    }

    /// <summary>Releases the GAN.</summary>
    public void Dispose() => Gan.Dispose();

    /// <summary>Finds the run folder, the checkpoint folder and (optionally) one checkpoint file from what the user gave.</summary>
    private static (string Run, string Checkpoints, string? File) Locate(string path, string option)
    {
        string full = Path.GetFullPath(path);
        if (File.Exists(full))
        {
            string folder = Path.GetDirectoryName(full)!;
            return (Path.GetDirectoryName(folder)!, folder, full);
        }
        if (File.Exists(Path.Combine(full, RunOptions.RunFileName)))
            return (full, Path.Combine(full, TrainingRun.CheckpointFolder), null);
        if (CheckpointManager.Exists(full) && File.Exists(Path.Combine(Path.GetDirectoryName(full)!, RunOptions.RunFileName)))
            return (Path.GetDirectoryName(full)!, full, null);
        throw new UsageException($"{option} '{path}' is not a training run: it has neither {RunOptions.RunFileName} nor {CheckpointManager.ManifestFileName}. Point to the --out folder of `gan train`.");
    }
}
