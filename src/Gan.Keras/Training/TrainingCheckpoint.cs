using Gan.Keras.Export.Checkpoints;
using System.Globalization;
using Gan.Keras.Internal;
using Gan.Keras.Models;
using Gan.Keras.Export;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Everything needed to continue a training run exactly where it stopped: both networks' weights (and any other
/// tensors in <see cref="GanModel.WeightTensors"/>, such as EMA weights), both optimizers' state, the epoch and step,
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

    private const string DiscriminatorOptimizerPrefix = "optimizer.discriminator.";
    private const string GeneratorOptimizerPrefix = "optimizer.generator.";
    private const string ModelRngName = "rng.model";
    private const string GlobalRngName = "rng.global";
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

        // Intermediate tensors (views, optimizer-state clones, generator states) die with this scope; the copies are detached from it.
        using var scope = torch.NewDisposeScope();
        var copies = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            using (torch.no_grad())
            {
                // Copies outlive any training step's dispose scope: detached on purpose.
                foreach (var (name, tensor) in gan.WeightTensors())
                    copies[name] = tensor.detach().cpu().clone().DetachFromDisposeScope();
            }
            AddOptimizerState(copies, DiscriminatorOptimizerPrefix, gan.DiscriminatorOptimizer.GetState());
            AddOptimizerState(copies, GeneratorOptimizerPrefix, gan.GeneratorOptimizer.GetState());
            // Cloned, so the checkpoint owns its copy whatever the binding returns.
            using (var modelState = gan.RandomGenerator.get_state())
                copies[ModelRngName] = modelState.clone().DetachFromDisposeScope();
            using (var globalState = torch.get_rng_state())
                copies[GlobalRngName] = globalState.clone().DetachFromDisposeScope();
            if (fixedNoise is not null) copies[FixedNoiseName] = fixedNoise.detach().cpu().clone().DetachFromDisposeScope();
        }
        catch
        {
            foreach (var tensor in copies.Values) tensor.Dispose();
            throw;
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
            foreach (var required in new[] { ModelRngName, GlobalRngName, DiscriminatorOptimizerPrefix + "iterations", GeneratorOptimizerPrefix + "iterations" })
                if (!tensors.ContainsKey(required))
                    throw new InvalidDataException($"'{path}' is an incomplete checkpoint: tensor '{required}' is missing.");
            foreach (var iterations in new[] { DiscriminatorOptimizerPrefix + "iterations", GeneratorOptimizerPrefix + "iterations" })
                if (tensors[iterations] is var t && (t.dtype != torch.int64 || t.numel() != 1 || t.item<long>() < 0))
                    throw new InvalidDataException($"'{path}': tensor '{iterations}' must be one non-negative int64, but is {t.dtype} of shape [{string.Join(", ", t.shape)}]{(t.dtype == torch.int64 && t.numel() == 1 ? $" holding {t.item<long>()}" : "")}.");
            // Checked here: libtorch aborts the process on a malformed generator state instead of raising an error.
            foreach (var rng in new[] { ModelRngName, GlobalRngName })
                if (GeneratorState.Problem(tensors[rng]) is { } problem)
                    throw new InvalidDataException($"'{path}': tensor '{rng}' is not a random-generator state: {problem}.");
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

    /// <summary>
    /// Restores everything into <paramref name="gan"/>: weights, both optimizers' state, the model's and the global
    /// random state. Names and shapes are checked first; on a mismatch nothing is changed.
    /// </summary>
    /// <exception cref="InvalidDataException">The checkpoint was saved from a different architecture; every mismatching name and shape is listed.</exception>
    public void RestoreInto(GanModel gan)
    {
        ArgumentNullException.ThrowIfNull(gan);
        if (!gan.IsCompiled) throw new InvalidOperationException("Call Compile() before restoring a checkpoint: the optimizers' state is part of it.");
        var discriminatorState = OptimizerState(DiscriminatorOptimizerPrefix);
        var generatorState = OptimizerState(GeneratorOptimizerPrefix);
        var discriminatorVariables = gan.Discriminator.TrainableVariables;
        var generatorVariables = gan.Generator.TrainableVariables;
        var problems = WeightProblems(gan);
        problems.AddRange(OptimizerProblems("discriminator", discriminatorState, discriminatorVariables));
        problems.AddRange(OptimizerProblems("generator", generatorState, generatorVariables));
        // What SetState would refuse (a missing slot), found before anything is changed.
        if (problems.Count == 0 && gan.DiscriminatorOptimizer.StateProblem(discriminatorState, discriminatorVariables) is { } discriminatorProblem)
            problems.Add($"discriminator optimizer: {discriminatorProblem}");
        if (problems.Count == 0 && gan.GeneratorOptimizer.StateProblem(generatorState, generatorVariables) is { } generatorProblem)
            problems.Add($"generator optimizer: {generatorProblem}");
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"Checkpoint '{Source}' does not match this GAN's architecture ({problems.Count} mismatches): {string.Join("; ", problems)}. " +
                "Resume with the same --model (and data shape) the checkpoint was trained with.");
        gan.AssignWeights(tensors, Source);
        gan.DiscriminatorOptimizer.SetState(discriminatorState, discriminatorVariables);
        gan.GeneratorOptimizer.SetState(generatorState, generatorVariables);
        gan.SetRandomState(tensors[ModelRngName]);
        torch.set_rng_state(tensors[GlobalRngName]);
    }

    /// <summary>Restores only the weights (for sampling or evaluation); optimizers and random states are left alone. Names and shapes are checked first.</summary>
    /// <exception cref="InvalidDataException">The checkpoint was saved from a different architecture; every mismatching name and shape is listed.</exception>
    public void RestoreWeightsInto(GanModel gan)
    {
        ArgumentNullException.ThrowIfNull(gan);
        var problems = WeightProblems(gan);
        if (problems.Count > 0)
            throw new InvalidDataException(
                $"Checkpoint '{Source}' does not match this GAN's architecture ({problems.Count} mismatches): {string.Join("; ", problems)}.");
        gan.AssignWeights(tensors, Source);
    }

    /// <summary>Releases the checkpoint's tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
        tensors.Clear();
    }

    private static void AddOptimizerState(Dictionary<string, torch.Tensor> into, string prefix, IReadOnlyDictionary<string, torch.Tensor> state)
    {
        foreach (var (name, tensor) in state)
            into[prefix + name] = tensor.cpu().DetachFromDisposeScope();
    }

    private Dictionary<string, torch.Tensor> OptimizerState(string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);

    private List<string> WeightProblems(GanModel gan)
    {
        var problems = new List<string>();
        var live = gan.WeightTensors();
        foreach (var (name, tensor) in live)
        {
            if (!tensors.TryGetValue(name, out var saved)) problems.Add($"missing '{name}' {Shapes.Format(tensor.shape)}");
            else if (!saved.shape.SequenceEqual(tensor.shape)) problems.Add($"'{name}': saved {Shapes.Format(saved.shape)}, model has {Shapes.Format(tensor.shape)}");
        }
        foreach (var (name, tensor) in tensors)
            if ((name.StartsWith("generator.", StringComparison.Ordinal) || name.StartsWith("discriminator.", StringComparison.Ordinal)) && !live.ContainsKey(name))
                problems.Add($"unexpected '{name}' {Shapes.Format(tensor.shape)}");
        return problems;
    }

    private static List<string> OptimizerProblems(string network, Dictionary<string, torch.Tensor> state, IReadOnlyList<TorchSharp.Modules.Parameter> variables)
    {
        var problems = new List<string>();
        foreach (var (name, tensor) in state)
        {
            if (name == "iterations") continue;
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !int.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int index)) continue;
            if (index >= variables.Count)
                problems.Add($"'optimizer.{network}.{name}' {Shapes.Format(tensor.shape)} has no variable (the {network} has {variables.Count} trainable variables)");
            else if (!tensor.shape.SequenceEqual(variables[index].shape))
                problems.Add($"'optimizer.{network}.{name}': saved {Shapes.Format(tensor.shape)}, variable {index} has {Shapes.Format(variables[index].shape)}");
        }
        return problems;
    }

    private static long ReadCount(string path, Dictionary<string, string> metadata, string key)
    {
        if (!metadata.TryGetValue(key, out var text) || !long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long value))
            throw new InvalidDataException($"'{path}': checkpoint metadata '{key}' is {(text is null ? "missing" : $"'{text}', not a non-negative integer")}.");
        return value;
    }
}
