using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Models;

namespace Gan.Keras.Training.Runs;

/// <summary>
/// A trained GAN opened from whatever a user points at, without the code that built it: a training run's folder
/// (<see cref="RunFolder"/>), a <see cref="Callbacks.ModelCheckpoint"/> folder or one checkpoint in it (the architecture
/// recorded in the checkpoint, verified against the manifest's SHA-256), a folder holding such a
/// <c>checkpoints/</c> folder, or one file written by <see cref="GanModel.Save"/>. Preset runs whose checkpoints record
/// no architecture are rebuilt from their run.json, as before.
/// </summary>
public sealed class SavedGan : IDisposable
{
    private SavedGan(GanModel gan, RunConfiguration? configuration, string folder, string file, int? epoch, bool verified)
    {
        (Gan, Configuration, Folder, File, Epoch, Verified) = (gan, configuration, folder, file, epoch, verified);
    }

    /// <summary>Gets the GAN, with the saved weights (and weight average), on the CPU; disposed with this.</summary>
    public GanModel Gan { get; }

    /// <summary>Gets the run's settings when the GAN comes from a training run with a run.json, else null.</summary>
    public RunConfiguration? Configuration { get; }

    /// <summary>Gets the folder outputs go to by default: the run's folder, the checkpoint folder, or the saved file's folder.</summary>
    public string Folder { get; }

    /// <summary>Gets the file the weights were read from (a checkpoint, or a saved GAN).</summary>
    public string File { get; }

    /// <summary>Gets the number of epochs the checkpoint completed, or null for a file written by <see cref="GanModel.Save"/>.</summary>
    public int? Epoch { get; }

    /// <summary>Gets a value indicating whether the file was checked against a checkpoint manifest's SHA-256.</summary>
    public bool Verified { get; }

    /// <summary>Opens the GAN <paramref name="path"/> points at, with <paramref name="parts"/> of its saved state restored.</summary>
    /// <param name="path">A run folder, a checkpoint folder or file, a folder with a <c>checkpoints/</c> folder, or a saved GAN file.</param>
    /// <param name="parts">What to restore besides the weights: <see cref="TrainingStateParts.All"/> to continue training.</param>
    /// <exception cref="ArgumentException">The path is none of those.</exception>
    /// <exception cref="InvalidDataException">A file is corrupt, fails its hash, or does not fit its architecture; or a checkpoint records no architecture and has no run.json beside it.</exception>
    public static SavedGan Open(string path, TrainingStateParts parts = TrainingStateParts.Weights)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = Path.GetFullPath(path);
        if (System.IO.File.Exists(full))
        {
            string directory = Path.GetDirectoryName(full)!;
            if (IsZip(full)) return FromSavedFile(full, directory, parts);
            if (CheckpointManager.Exists(directory)) return FromCheckpoints(directory, Path.GetFileName(full), parts);
            throw new ArgumentException($"'{path}' is neither a saved GAN (GanModel.Save) nor a checkpoint in a folder with {CheckpointManager.ManifestFileName}.", nameof(path));
        }
        if (Directory.Exists(full))
        {
            if (System.IO.File.Exists(RunFolder.ConfigurationPath(full)))
            {
                var run = new RunFolder(full);
                if (!run.HasCheckpoint && SavedFile(full) is { } saved) return FromSavedFile(saved, full, parts);
                return FromCheckpoints(run.CheckpointFolder, null, parts);
            }
            if (CheckpointManager.Exists(full)) return FromCheckpoints(full, null, parts);
            string nested = Path.Combine(full, RunFolder.CheckpointFolderName);
            if (CheckpointManager.Exists(nested)) return FromCheckpoints(nested, null, parts);
            if (SavedFile(full) is { } file) return FromSavedFile(file, full, parts);
        }
        throw new ArgumentException(
            $"'{path}' is not a training run: it has neither {RunFolder.ConfigurationFileName} nor {CheckpointManager.ManifestFileName} (nor {RunFolder.CheckpointFolderName}/{CheckpointManager.ManifestFileName}, nor one saved .keras GAN). Point to the folder a training run wrote, a ModelCheckpoint folder, or a file written by GanModel.Save.",
            nameof(path));
    }

    /// <summary>Releases the GAN.</summary>
    public void Dispose() => Gan.Dispose();

    private static SavedGan FromSavedFile(string file, string folder, TrainingStateParts parts)
    {
        // To sample (weights only), a GanModel subclass whose code is not here opens as the built-in class it samples as.
        var gan = Saving.GanFile.Load(System.IO.File.ReadAllBytes(file), file, parts);
        var configuration = System.IO.File.Exists(RunFolder.ConfigurationPath(folder)) ? TryConfiguration(folder) : null;
        return new SavedGan(gan, configuration, folder, file, null, verified: false);
    }

    private static SavedGan FromCheckpoints(string checkpointFolder, string? fileName, TrainingStateParts parts)
    {
        var manager = new CheckpointManager(checkpointFolder);
        var entry = fileName is null
            ? manager.Latest ?? throw new InvalidDataException($"Checkpoint manifest '{manager.ManifestPath}' lists no checkpoint.")
            : manager.Entries.FirstOrDefault(e => e.File == fileName)
                ?? throw new InvalidDataException($"'{Path.Combine(checkpointFolder, fileName)}' is not listed in '{manager.ManifestPath}', so its hash cannot be verified. Use one of: {string.Join(", ", manager.Entries.Select(e => e.File))}.");
        string parent = Path.GetDirectoryName(checkpointFolder) ?? checkpointFolder;
        bool inRun = Path.GetFileName(checkpointFolder) == RunFolder.CheckpointFolderName && System.IO.File.Exists(RunFolder.ConfigurationPath(parent));
        string folder = inRun ? parent : checkpointFolder;
        string file = Path.Combine(checkpointFolder, entry.File);
        using var checkpoint = manager.Load(entry);
        if (checkpoint.HasArchitecture)
        {
            // The run wrote its run.json: a corrupt one is refused (InvalidDataException), even though the checkpoint does not need it.
            var configuration = inRun ? new RunFolder(parent).LoadConfiguration() : null;
            return new SavedGan(checkpoint.CreateGan(parts), configuration, folder, file, entry.Epoch, verified: true);
        }
        if (!inRun)
            throw new InvalidDataException($"'{file}' records no architecture (it was written by an older version, or by a GAN whose networks cannot be saved), and there is no {RunFolder.ConfigurationFileName} beside its folder to rebuild a preset from.");
        var run = new RunFolder(parent);
        var gan = run.LoadGan(file, out _);
        return new SavedGan(gan, run.LoadConfiguration(), folder, file, entry.Epoch, verified: true);
    }

    /// <summary>The run's settings, or null when run.json is not one (a run.json a user wrote for another program).</summary>
    private static RunConfiguration? TryConfiguration(string folder)
    {
        try { return new RunFolder(folder).LoadConfiguration(); }
        catch (Exception ex) when (ex is InvalidDataException or RunConfigurationException) { return null; }
    }

    /// <summary>The one saved GAN file (a zip whose name ends in .keras) in <paramref name="folder"/>, or null.</summary>
    private static string? SavedFile(string folder)
    {
        var files = Directory.GetFiles(folder, "*.keras").Where(IsZip).ToArray();
        return files.Length == 1 ? files[0] : null;
    }

    private static bool IsZip(string file)
    {
        Span<byte> head = stackalloc byte[4];
        using var stream = System.IO.File.OpenRead(file);
        return stream.Read(head) == 4 && head[0] == (byte)'P' && head[1] == (byte)'K' && head[2] == 3 && head[3] == 4;
    }
}
