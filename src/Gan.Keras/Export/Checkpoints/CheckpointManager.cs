using Gan.Keras.Training;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Export;

namespace Gan.Keras.Export.Checkpoints;

/// <summary>
/// Keeps the last N training checkpoints of a run in one folder, with a manifest (<c>checkpoint.json</c>) that records
/// each file's size and SHA-256. Saving survives a crash at any moment: the checkpoint file is written atomically
/// (temporary file, flush to disk, rename), then the manifest is replaced atomically, and only then are files that
/// dropped out of the manifest deleted. Loading verifies the size and the hash before reading anything.
/// </summary>
public sealed class CheckpointManager
{
    /// <summary>The manifest's file name inside the checkpoint folder.</summary>
    public const string ManifestFileName = "checkpoint.json";

    private const string ManifestFormat = "gan-keras.checkpoints.v1";
    private const string FilePrefix = "ckpt-";
    private const string FileSuffix = ".safetensors";

    // A key given twice is corrupt: JsonObject would throw ArgumentException for it on first access.
    private static readonly JsonDocumentOptions ManifestOptions = new() { AllowDuplicateProperties = false };

    /// <summary>Initializes a new instance of the <see cref="CheckpointManager"/> class.</summary>
    /// <param name="directory">The checkpoint folder (created on the first save).</param>
    /// <param name="keep">How many checkpoints to keep (the newest); at least 1.</param>
    public CheckpointManager(string directory, int keep = 3)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(keep);
        Directory = Path.GetFullPath(directory);
        Keep = keep;
    }

    /// <summary>Gets the checkpoint folder.</summary>
    public string Directory { get; }

    /// <summary>Gets how many checkpoints are kept.</summary>
    public int Keep { get; }

    /// <summary>Gets the manifest's path.</summary>
    public string ManifestPath => Path.Combine(Directory, ManifestFileName);

    /// <summary>Gets the checkpoints recorded in the manifest, oldest first (empty when there is no manifest yet).</summary>
    /// <exception cref="InvalidDataException">The manifest is corrupt (whatever its bytes: invalid or duplicated JSON keys, wrong types, out-of-range numbers or dates); the message names the manifest.</exception>
    public IReadOnlyList<CheckpointEntry> Entries => File.Exists(ManifestPath) ? ReadManifest() : Array.Empty<CheckpointEntry>();

    /// <summary>Gets the newest checkpoint recorded in the manifest, or null.</summary>
    public CheckpointEntry? Latest => Entries.Count > 0 ? Entries[^1] : null;

    /// <summary>Gets a value indicating whether <paramref name="directory"/> holds a checkpoint manifest.</summary>
    public static bool Exists(string directory) =>
        !string.IsNullOrEmpty(directory) && File.Exists(Path.Combine(directory, ManifestFileName));

    /// <summary>Saves a checkpoint as <c>ckpt-{epoch:D6}.safetensors</c>, records it in the manifest, and deletes the ones beyond <see cref="Keep"/>.</summary>
    /// <returns>The entry recorded in the manifest.</returns>
    public CheckpointEntry Save(TrainingCheckpoint checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        System.IO.Directory.CreateDirectory(Directory);
        string file = $"{FilePrefix}{checkpoint.Epoch.ToString("D6", CultureInfo.InvariantCulture)}{FileSuffix}";
        string path = Path.Combine(Directory, file);
        checkpoint.Save(path);
        var (bytes, sha) = Measure(path);
        var entry = new CheckpointEntry(file, checkpoint.Epoch, checkpoint.Step, sha, bytes, DateTimeOffset.UtcNow);
        var entries = (File.Exists(ManifestPath) ? ReadManifest() : new List<CheckpointEntry>())
            .Where(e => e.File != file)
            .Append(entry)
            .OrderBy(e => e.Epoch)
            .ThenBy(e => e.Step)
            .ToList();
        var kept = entries.Skip(Math.Max(0, entries.Count - Keep)).ToList();
        WriteManifest(kept);
        DeleteUnlisted(kept);
        return entry;
    }

    /// <summary>Loads the newest checkpoint after verifying its size and SHA-256 against the manifest.</summary>
    /// <exception cref="FileNotFoundException">The folder has no manifest.</exception>
    /// <exception cref="InvalidDataException">The manifest is corrupt or lists nothing, or the checkpoint is missing, truncated, modified or not a checkpoint; the message names the manifest and the file.</exception>
    public TrainingCheckpoint LoadLatest()
    {
        if (!File.Exists(ManifestPath))
            throw new FileNotFoundException($"No checkpoint in '{Directory}': '{ManifestFileName}' is missing. Point to a folder written by ModelCheckpoint or a training run.", ManifestPath);
        var entries = ReadManifest();
        if (entries.Count == 0) throw new InvalidDataException($"Checkpoint manifest '{ManifestPath}' lists no checkpoint.");
        return Load(entries[^1], entries);
    }

    /// <summary>Loads one checkpoint of the manifest after verifying its size and SHA-256.</summary>
    /// <exception cref="InvalidDataException">The file is truncated, modified or not a checkpoint; the message names the file.</exception>
    public TrainingCheckpoint Load(CheckpointEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return Load(entry, ReadManifest());
    }

    /// <summary>Verifies a checkpoint file's size and SHA-256 against the manifest, without loading it.</summary>
    /// <exception cref="InvalidDataException">The file is truncated or modified; the message names the file and what differs.</exception>
    public void Verify(CheckpointEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string path = Path.Combine(Directory, entry.File);
        if (!File.Exists(path))
            throw new InvalidDataException($"Checkpoint '{path}' listed in '{ManifestPath}' is missing.");
        var (bytes, sha) = Measure(path);
        if (bytes != entry.Bytes)
            throw new InvalidDataException($"Checkpoint '{path}' is {bytes} bytes but the manifest '{ManifestPath}' records {entry.Bytes}: the file is truncated or was replaced.");
        if (!string.Equals(sha, entry.Sha256, StringComparison.OrdinalIgnoreCase))
            throw new InvalidDataException($"Checkpoint '{path}' has SHA-256 {sha}, but the manifest '{ManifestPath}' records {entry.Sha256}: the file was modified or corrupted.");
    }

    private TrainingCheckpoint Load(CheckpointEntry entry, IReadOnlyList<CheckpointEntry> all)
    {
        try
        {
            Verify(entry);
        }
        catch (InvalidDataException ex)
        {
            var earlier = all.Where(e => e.Epoch < entry.Epoch).Select(e => e.File).ToList();
            if (earlier.Count == 0) throw;
            throw new InvalidDataException($"{ex.Message} Earlier checkpoints in the manifest: {string.Join(", ", earlier)}; remove the damaged entry from '{ManifestFileName}' to resume from one of them.", ex);
        }
        return TrainingCheckpoint.Load(Path.Combine(Directory, entry.File));
    }

    private static (long Bytes, string Sha256) Measure(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        byte[] hash = SHA256.HashData(stream);
        return (stream.Length, Convert.ToHexStringLower(hash));
    }

    private List<CheckpointEntry> ReadManifest()
    {
        try
        {
            var root = JsonNode.Parse(File.ReadAllBytes(ManifestPath), documentOptions: ManifestOptions)?.AsObject() ?? throw new JsonException("empty document");
            string? format = root["format"]?.GetValue<string>();
            if (format != ManifestFormat)
                throw new InvalidDataException($"'{ManifestPath}' is not a Gan.Keras checkpoint manifest: 'format' is {(format is null ? "missing" : $"'{format}'")}, expected '{ManifestFormat}'.");
            var entries = new List<CheckpointEntry>();
            foreach (var node in root["checkpoints"]?.AsArray() ?? throw new JsonException("'checkpoints' is missing"))
            {
                string file = node!["file"]!.GetValue<string>();
                if (file.Contains('/', StringComparison.Ordinal) || file.Contains('\\', StringComparison.Ordinal) || file.StartsWith('.'))
                    throw new InvalidDataException($"'{ManifestPath}' lists '{file}', which is not a file name inside the checkpoint folder.");
                entries.Add(new CheckpointEntry(
                    file,
                    node["epoch"]!.GetValue<int>(),
                    node["step"]!.GetValue<long>(),
                    node["sha256"]!.GetValue<string>(),
                    node["bytes"]!.GetValue<long>(),
                    DateTimeOffset.Parse(node["saved_utc"]!.GetValue<string>(), CultureInfo.InvariantCulture)));
            }
            return entries;
        }
        catch (Exception ex) when (ex is JsonException or NullReferenceException or InvalidOperationException or FormatException)
        {
            throw new InvalidDataException($"Checkpoint manifest '{ManifestPath}' is corrupt ({ex.Message}).", ex);
        }
    }

    private void WriteManifest(List<CheckpointEntry> entries)
    {
        var list = new JsonArray();
        foreach (var e in entries)
        {
            list.Add(new JsonObject
            {
                ["file"] = e.File,
                ["epoch"] = e.Epoch,
                ["step"] = e.Step,
                ["sha256"] = e.Sha256,
                ["bytes"] = e.Bytes,
                ["saved_utc"] = e.SavedUtc.ToString("O", CultureInfo.InvariantCulture),
            });
        }
        var root = new JsonObject { ["format"] = ManifestFormat, ["latest"] = entries.Count > 0 ? entries[^1].File : null, ["checkpoints"] = list };
        AtomicFile.WriteAllText(ManifestPath, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    private void DeleteUnlisted(IReadOnlyList<CheckpointEntry> kept)
    {
        var keep = kept.Select(e => e.File).ToHashSet(StringComparer.Ordinal);
        foreach (string path in System.IO.Directory.EnumerateFiles(Directory))
        {
            string name = Path.GetFileName(path);
            bool checkpoint = name.StartsWith(FilePrefix, StringComparison.Ordinal) && name.EndsWith(FileSuffix, StringComparison.Ordinal);
            // Temporary files left by a process killed mid-write (AtomicFile names them .{name}.{pid}.{guid}.tmp).
            bool orphanTemp = name.StartsWith('.') && name.EndsWith(".tmp", StringComparison.Ordinal) && !name.Contains($".{Environment.ProcessId}.", StringComparison.Ordinal);
            if ((checkpoint && !keep.Contains(name)) || orphanTemp)
            {
                try
                {
                    File.Delete(path);
                }
                catch (IOException)
                {
                }
            }
        }
    }
}

/// <summary>One checkpoint recorded in a <see cref="CheckpointManager"/>'s manifest.</summary>
/// <param name="File">The file name inside the checkpoint folder.</param>
/// <param name="Epoch">Epochs completed when it was saved.</param>
/// <param name="Step">Training steps completed when it was saved.</param>
/// <param name="Sha256">The file's SHA-256, lower-case hex.</param>
/// <param name="Bytes">The file's size in bytes.</param>
/// <param name="SavedUtc">When it was saved.</param>
public sealed record CheckpointEntry(string File, int Epoch, long Step, string Sha256, long Bytes, DateTimeOffset SavedUtc);
