using Gan.Keras.Export.Checkpoints;
using System.Globalization;
using Gan.Keras.Internal;
using Gan.Keras.Models;
using Gan.Keras.Export;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Everything needed to continue a training run exactly where it stopped: both networks' weights (and any other
/// tensors in <see cref="TrainingState"/>, such as EMA weights), both optimizers' state, the epoch and step,
/// the model's and libtorch's global random states, and the run's fixed preview noise. Saved as one safetensors file.
/// </summary>
/// <remarks>
/// Tensor names in the file: <c>generator.*</c>, <c>discriminator.*</c> (as <see cref="GanModel.SaveWeights"/>),
/// <c>optimizer.discriminator.*</c> and <c>optimizer.generator.*</c> (<see cref="Optimizers.Optimizer.GetState"/>),
/// <c>rng.model</c> and <c>rng.global</c> (generator states, uint8), and <c>fixed_noise</c> when there is one.
/// Metadata: <c>format</c>, <c>epoch</c>, <c>step</c>, <c>seed</c>, plus whatever the caller adds.
/// </remarks>
public sealed class TrainingCheckpoint : IDisposable
{
    /// <summary>The value of the <c>format</c> metadata entry that marks a Gan.Keras training checkpoint.</summary>
    public const string Format = "gan-keras.checkpoint.v1";

    /// <summary>The metadata entry holding the GAN's architecture and compile config (<see cref="GanModel.Save"/>'s config JSON).</summary>
    public const string ArchitectureKey = "architecture";

    private const string FixedNoiseName = "fixed_noise";

    private static readonly string[] ReservedMetadata = { "format", "epoch", "step", "seed" };

    private readonly Dictionary<string, torch.Tensor> tensors;

    private TrainingCheckpoint(Dictionary<string, torch.Tensor> tensors, IReadOnlyDictionary<string, string> metadata, int epoch, long step, string source)
    {
        this.tensors = tensors;
        Metadata = metadata;
        Epoch = epoch;
        Step = step;
        Source = source;
    }

    /// <summary>Gets the number of epochs completed: the epoch index training continues at.</summary>
    public int Epoch { get; }

    /// <summary>Gets the number of training steps completed.</summary>
    public long Step { get; }

    /// <summary>Gets the string metadata stored with the checkpoint (including <c>format</c>, <c>epoch</c>, <c>step</c>, <c>seed</c>).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets where the checkpoint came from (a file path, or <c>memory</c>), for error messages.</summary>
    public string Source { get; }

    /// <summary>Gets the run's fixed preview noise <c>[n, latentDim]</c>, or null when none was saved. Owned by the checkpoint.</summary>
    public torch.Tensor? FixedNoise => tensors.GetValueOrDefault(FixedNoiseName);

    /// <summary>
    /// Gets a value indicating whether the checkpoint records the GAN's architecture (checkpoints written during
    /// <see cref="GanModel.Fit"/> do, for a <see cref="GanModel"/> whose networks <see cref="Model.Save"/> can describe),
    /// so that <see cref="CreateGan"/> rebuilds it without the code that built it.
    /// </summary>
    public bool HasArchitecture => Metadata.ContainsKey(ArchitectureKey);

    /// <summary>Gets the names of all tensors in the checkpoint.</summary>
    public IReadOnlyCollection<string> TensorNames => tensors.Keys;

    /// <summary>Captures a copy of the training state of <paramref name="gan"/>.</summary>
    /// <param name="gan">A compiled GAN.</param>
    /// <param name="epoch">Epochs completed (the epoch index to continue at).</param>
    /// <param name="step">Training steps completed.</param>
    /// <param name="fixedNoise">The run's fixed preview noise, or null. It is copied.</param>
    /// <param name="metadata">Extra string metadata (for example the run's configuration); keys <c>format</c>, <c>epoch</c>, <c>step</c>, <c>seed</c> are reserved.</param>
    public static TrainingCheckpoint Capture(GanModel gan, int epoch, long step, torch.Tensor? fixedNoise = null, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(gan);
        ArgumentOutOfRangeException.ThrowIfNegative(epoch);
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        if (!gan.IsCompiled) throw new InvalidOperationException("Call Compile() before capturing a checkpoint: the optimizers' state is part of it.");
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (ReservedMetadata.Contains(key))
                throw new ArgumentException($"Metadata key '{key}' is reserved by the checkpoint format ({string.Join(", ", ReservedMetadata)}); use another name.", nameof(metadata));
            meta[key] = value;
        }
        meta["format"] = Format;
        meta["epoch"] = epoch.ToString(CultureInfo.InvariantCulture);
        meta["step"] = step.ToString(CultureInfo.InvariantCulture);
        meta["seed"] = gan.Seed.ToString(CultureInfo.InvariantCulture);

        var copies = TrainingState.Capture(gan, TrainingStateParts.All);
        if (fixedNoise is not null)
        {
            // The detached view and CPU copy die with this scope; the clone is the checkpoint's.
            using var scope = torch.NewDisposeScope();
            using (torch.no_grad()) copies[FixedNoiseName] = fixedNoise.detach().cpu().clone().DetachFromDisposeScope();
        }
        return new TrainingCheckpoint(copies, meta, epoch, step, "memory");
    }

    /// <summary>Reads a checkpoint file (without the manifest check; <see cref="CheckpointManager"/> verifies the hash first).</summary>
    /// <exception cref="InvalidDataException">The file is not a valid Gan.Keras checkpoint; the message names the file and the field.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (tensors, metadata) = SafeTensorsFile.Load(path);
        return FromFile(path, tensors, metadata);
    }

    /// <summary>Reads a checkpoint from a file's bytes; <paramref name="path"/> names the file in errors.</summary>
    internal static TrainingCheckpoint Load(byte[] bytes, string path)
    {
        var (tensors, metadata) = SafeTensorsFile.Load(bytes, path);
        return FromFile(path, tensors, metadata);
    }

    private static TrainingCheckpoint FromFile(string path, Dictionary<string, torch.Tensor> tensors, Dictionary<string, string> metadata)
    {
        try
        {
            if (!metadata.TryGetValue("format", out var format) || format != Format)
                throw new InvalidDataException($"'{path}' is not a Gan.Keras training checkpoint: its metadata 'format' is {(format is null ? "missing" : $"'{format}'")}, expected '{Format}'. Weights saved with SaveWeights are loaded with GanModel.LoadWeights instead.");
            int epoch = (int)Math.Min(int.MaxValue, ReadCount(path, metadata, "epoch"));
            long step = ReadCount(path, metadata, "step");
            foreach (var required in TrainingState.RequiredNames)
                if (!tensors.ContainsKey(required))
                    throw new InvalidDataException($"'{path}' is an incomplete checkpoint: tensor '{required}' is missing.");
            return new TrainingCheckpoint(tensors, metadata, epoch, step, path);
        }
        catch
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
            throw;
        }
    }

    /// <summary>Writes the checkpoint to one safetensors file, atomically (temporary file, flush to disk, rename).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        // Serializing makes contiguous CPU views of each tensor: they die with this scope.
        using var scope = torch.NewDisposeScope();
        SafeTensorsFile.Save(path, tensors, Metadata);
    }

    /// <summary>The bytes <see cref="Save"/> writes, in memory (the data-parallel broadcast of rank 0's state).</summary>
    internal byte[] ToBytes()
    {
        using var scope = torch.NewDisposeScope();
        return SafeTensorsFile.ToBytes(tensors, Metadata);
    }

    /// <summary>
    /// Restores everything into <paramref name="gan"/> (<see cref="TrainingState.Restore"/>): weights, both optimizers'
    /// state, the model's and the global random state. Names and shapes are checked first; on a mismatch nothing is changed.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint was saved from a different architecture; every mismatching name and shape is listed.</exception>
    public void RestoreInto(GanModel gan) => TrainingState.Restore(gan, tensors, TrainingStateParts.All, Source);

    /// <summary>Restores only the weights (for sampling or evaluation); optimizers and random states are left alone. Names and shapes are checked first.</summary>
    /// <exception cref="InvalidDataException">The checkpoint was saved from a different architecture; every mismatching name and shape is listed.</exception>
    public void RestoreWeightsInto(GanModel gan) => TrainingState.Restore(gan, tensors, TrainingStateParts.Weights, Source);

    /// <summary>
    /// Creates the GAN the checkpoint records (<see cref="HasArchitecture"/>): both networks, the generator's inputs and,
    /// when it was compiled, its loss and optimizers; then restores <paramref name="parts"/> (the weights and average for
    /// sampling and export, <see cref="TrainingStateParts.All"/> to continue training).
    /// </summary>
    /// <exception cref="InvalidOperationException">The checkpoint records no architecture.</exception>
    /// <exception cref="InvalidDataException">The recorded architecture is corrupt, names an unregistered layer type, or does not fit the tensors.</exception>
    public GanModel CreateGan(TrainingStateParts parts = TrainingStateParts.Weights)
    {
        if (!Metadata.TryGetValue(ArchitectureKey, out var json))
            throw new InvalidOperationException($"'{Source}' records no architecture (it was not written during GanModel.Fit, or by a version before architectures were recorded); build the GAN in code and call RestoreInto.");
        System.Text.Json.Nodes.JsonObject config;
        try
        {
            config = System.Text.Json.Nodes.JsonNode.Parse(json) as System.Text.Json.Nodes.JsonObject ?? throw new System.Text.Json.JsonException("not a JSON object");
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new InvalidDataException($"'{Source}': metadata '{ArchitectureKey}' is not valid JSON: {Saving.KerasArchive.OneLine(ex.Message)}", ex);
        }
        return Saving.GanFile.Create(config, tensors, Source, parts);
    }

    /// <summary><paramref name="metadata"/> with the GAN's architecture added, when <see cref="GanModel.Save"/> can describe the GAN.</summary>
    internal static IReadOnlyDictionary<string, string>? WithArchitecture(GanModel gan, IReadOnlyDictionary<string, string>? metadata)
    {
        string architecture;
        // A GAN that cannot be described (a subclass, a custom layer without a registered configuration) still trains and
        // checkpoints; its checkpoints are opened by code that builds it, as before.
        try { architecture = Saving.GanFile.Describe(gan).ToJsonString(); }
        catch (Exception ex) when (ex is NotSupportedException or ArgumentException or InvalidOperationException) { return metadata; }
        var result = new Dictionary<string, string>(metadata ?? new Dictionary<string, string>(), StringComparer.Ordinal) { [ArchitectureKey] = architecture };
        return result;
    }

    /// <summary>Releases the checkpoint's tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
        tensors.Clear();
    }

    private static long ReadCount(string path, Dictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            throw new InvalidDataException($"'{path}': checkpoint metadata '{key}' is {(text is null ? "missing" : $"'{text}', not a non-negative integer")}.");
        return value;
    }
}
