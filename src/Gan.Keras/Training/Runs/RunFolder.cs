using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Models;

namespace Gan.Keras.Training.Runs;

/// <summary>
/// The layout of a training run's folder: its settings (<c>run.json</c>), checkpoints, final weights, pictures, logs
/// and TensorBoard events. Every program that writes or reads a run (train, resume, sample, eval, export) finds its
/// files here.
/// </summary>
public sealed class RunFolder
{
    /// <summary>The run's settings (<see cref="RunConfiguration"/>).</summary>
    public const string ConfigurationFileName = "run.json";

    /// <summary>The checkpoint folder (<see cref="CheckpointManager"/>).</summary>
    public const string CheckpointFolderName = "checkpoints";

    /// <summary>The final weights of both networks.</summary>
    public const string WeightsFileName = "weights.safetensors";

    /// <summary>Generated samples as CSV values.</summary>
    public const string SamplesCsvFileName = "samples.csv";

    /// <summary>Generated samples as a picture.</summary>
    public const string SamplesPngFileName = "samples.png";

    /// <summary>The loss curves.</summary>
    public const string LossesPngFileName = "losses.png";

    /// <summary>Per-epoch logs.</summary>
    public const string HistoryCsvFileName = "history.csv";

    /// <summary>The fixed noise batch rendered after each epoch.</summary>
    public const string SampleFolderName = "samples";

    /// <summary>TensorBoard event files.</summary>
    public const string TensorBoardFolderName = "tensorboard";

    /// <summary>Initializes a new instance of the <see cref="RunFolder"/> class.</summary>
    /// <param name="path">The run's folder.</param>
    public RunFolder(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
    }

    /// <summary>Gets the run's folder.</summary>
    public string Path { get; }

    /// <summary>Gets the path of run.json.</summary>
    public string ConfigurationFile => Combine(ConfigurationFileName);

    /// <summary>Gets the checkpoint folder.</summary>
    public string CheckpointFolder => Combine(CheckpointFolderName);

    /// <summary>Gets the path of the final weights.</summary>
    public string WeightsFile => Combine(WeightsFileName);

    /// <summary>Gets the path of history.csv.</summary>
    public string HistoryFile => Combine(HistoryCsvFileName);

    /// <summary>Gets a value indicating whether the folder holds a run that has written a checkpoint.</summary>
    public bool HasCheckpoint => CheckpointManager.Exists(CheckpointFolder);

    /// <summary>Gets the path of a file or folder in the run.</summary>
    public string Combine(string name) => System.IO.Path.Combine(Path, name);

    /// <summary>Gets the path of run.json in <paramref name="folder"/>.</summary>
    public static string ConfigurationPath(string folder) => System.IO.Path.Combine(folder, ConfigurationFileName);

    /// <summary>
    /// Finds a run from what a user points at: the run folder, its checkpoint folder, or one checkpoint file in it.
    /// </summary>
    /// <param name="path">The path given.</param>
    /// <param name="checkpointFile">The checkpoint file pointed at, or null for the run's latest.</param>
    /// <exception cref="ArgumentException">The path is none of those.</exception>
    public static RunFolder Locate(string path, out string? checkpointFile)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        checkpointFile = null;
        if (File.Exists(full))
        {
            checkpointFile = full;
            return new RunFolder(System.IO.Path.GetDirectoryName(System.IO.Path.GetDirectoryName(full)!)!);
        }
        if (File.Exists(ConfigurationPath(full))) return new RunFolder(full);
        string parent = System.IO.Path.GetDirectoryName(full) ?? full;
        if (CheckpointManager.Exists(full) && File.Exists(ConfigurationPath(parent))) return new RunFolder(parent);
        throw new ArgumentException($"'{path}' is not a training run: it has neither {ConfigurationFileName} nor {CheckpointManager.ManifestFileName}. Point to the folder a training run wrote.", nameof(path));
    }

    /// <summary>Reads the run's settings.</summary>
    /// <remarks>
    /// The run wrote run.json itself, so a run.json that cannot be read, is not JSON or holds an invalid setting is corrupt
    /// data (<see cref="InvalidDataException"/>), not a wrong setting given by the caller (<see cref="RunConfigurationException"/>).
    /// </remarks>
    /// <exception cref="RunConfigurationException">run.json is missing: the folder is not a training run.</exception>
    /// <exception cref="InvalidDataException">run.json is corrupt; the message names it and the setting at fault.</exception>
    public RunConfiguration LoadConfiguration()
    {
        if (!File.Exists(ConfigurationFile))
            throw new RunConfigurationException(null, _ => $"'{Path}' is not a training run: '{ConfigurationFile}' is missing.", ConfigurationFile);
        try
        {
            return RunConfiguration.Load(ConfigurationFile);
        }
        catch (RunConfigurationException ex)
        {
            throw new InvalidDataException($"The run's settings are corrupt: {ex.Message}", ex);
        }
    }

    /// <summary>
    /// Rebuilds the run's GAN and loads the weights (and weight average) of a checkpoint, verified against the manifest's
    /// SHA-256: for sampling, evaluation and export. The architecture recorded in the checkpoint is used when there is one
    /// (<see cref="TrainingCheckpoint.HasArchitecture"/>), else the run's settings rebuild the preset.
    /// </summary>
    /// <param name="checkpointFile">A checkpoint file of this run, or null for the latest.</param>
    /// <param name="entry">The checkpoint loaded.</param>
    /// <exception cref="InvalidDataException">run.json is corrupt or has no sample shape, no checkpoint is listed, the file is not in the manifest, fails its hash, or does not fit the model.</exception>
    public GanModel LoadGan(string? checkpointFile, out CheckpointEntry entry)
    {
        var configuration = LoadConfiguration();
        var manager = new CheckpointManager(CheckpointFolder);
        entry = checkpointFile is null
            ? manager.Latest ?? throw new InvalidDataException($"Checkpoint manifest '{manager.ManifestPath}' lists no checkpoint.")
            : manager.Entries.FirstOrDefault(e => e.File == System.IO.Path.GetFileName(checkpointFile))
                ?? throw new InvalidDataException($"'{checkpointFile}' is not listed in '{manager.ManifestPath}', so its hash cannot be verified. Use one of: {string.Join(", ", manager.Entries.Select(e => e.File))}.");
        using var checkpoint = manager.Load(entry);
        // A checkpoint that records its architecture is rebuilt from it: the run.json's preset is only for older checkpoints.
        if (checkpoint.HasArchitecture) return checkpoint.CreateGan();
        var sampleShape = configuration.SampleShape
            ?? throw new InvalidDataException($"'{ConfigurationFile}' has no 'sample-shape'; it was not written by a training run.");
        RandomSeed.Set(configuration.Seed);
        var gan = configuration.CreateGan(sampleShape);
        try
        {
            // A checkpoint of a model that averaged its generator holds the average (generator_ema.*): keep it, so the
            // run generates (and exports) as Generate did. Only the average's values are read back, not its decay.
            if (checkpoint.TensorNames.Any(n => n.StartsWith("generator_ema.", StringComparison.Ordinal))) gan.GeneratorEmaDecay ??= 0.999;
            checkpoint.RestoreWeightsInto(gan);
            return gan;
        }
        catch
        {
            gan.Dispose();
            throw;
        }
    }
}
