using System.Globalization;
using Gan.Keras.Internal;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// The one save/restore contract of a GAN's training state, by tensor name: weights (with the weight average),
/// optimizer state and random states. <see cref="GanModel.SaveWeights"/>/<see cref="GanModel.LoadWeights"/>,
/// <see cref="TrainingCheckpoint"/>, <see cref="Callbacks.BackupAndRestore"/> and a CLI resume all go through it, so
/// there is one naming scheme and one mismatch check.
/// </summary>
/// <remarks>
/// Names: <c>generator.&lt;state-dict name&gt;</c>, <c>discriminator.*</c>, <c>generator_ema.*</c>,
/// <c>optimizer.discriminator.*</c>, <c>optimizer.generator.*</c> (<see cref="Optimizers.Optimizer.GetState"/>),
/// <c>rng.model</c> and <c>rng.global</c> (generator states, uint8). Optimizer state follows the variables by position,
/// never by parameter object, since TorchSharp replaces parameters when a model moves.
/// </remarks>
public static class TrainingState
{
    private const string GeneratorPrefix = "generator.";
    private const string DiscriminatorPrefix = "discriminator.";
    private const string EmaPrefix = "generator_ema.";
    private const string DiscriminatorOptimizerPrefix = "optimizer.discriminator.";
    private const string GeneratorOptimizerPrefix = "optimizer.generator.";
    private const string ModelRngName = "rng.model";
    private const string GlobalRngName = "rng.global";

    /// <summary>Gets the names a complete training state must hold besides the weights (checked when a checkpoint is read).</summary>
    public static IReadOnlyList<string> RequiredNames { get; } = new[] { ModelRngName, GlobalRngName, DiscriminatorOptimizerPrefix + "iterations", GeneratorOptimizerPrefix + "iterations" };

    /// <summary>Gets the live weight tensors of both networks (and of the weight average) by saved name; not copies.</summary>
    public static IReadOnlyDictionary<string, torch.Tensor> LiveWeights(GanModel gan)
    {
        ArgumentNullException.ThrowIfNull(gan);
        var weights = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        foreach (var (name, tensor) in gan.Generator.state_dict()) weights[GeneratorPrefix + name] = tensor;
        foreach (var (name, tensor) in gan.Discriminator.state_dict()) weights[DiscriminatorPrefix + name] = tensor;
        foreach (var (name, tensor) in gan.GeneratorEmaWeights) weights[EmaPrefix + name] = tensor;
        return weights;
    }

    /// <summary>Gets the saved names of the weights (<see cref="LiveWeights"/>) that hold NaN or infinity, in order; one device read for all of them.</summary>
    public static IReadOnlyList<string> NonFiniteWeights(GanModel gan)
    {
        var weights = LiveWeights(gan);
        var names = weights.Keys.Where(n => weights[n].is_floating_point()).ToArray();
        if (names.Length == 0) return Array.Empty<string>();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var finite = HostReads.Read(torch.stack(names.Select(n => weights[n].isfinite().all()).ToArray()));
        return names.Where((_, i) => finite[i] == 0).ToArray();
    }

    /// <summary>Captures CPU copies of the chosen parts, owned by the caller (dispose each tensor).</summary>
    /// <exception cref="InvalidOperationException">Optimizer state is asked for before <c>Compile</c>.</exception>
    public static Dictionary<string, torch.Tensor> Capture(GanModel gan, TrainingStateParts parts)
    {
        ArgumentNullException.ThrowIfNull(gan);
        if (parts.HasFlag(TrainingStateParts.Optimizers) && !gan.IsCompiled)
            throw new InvalidOperationException("Call Compile() before capturing the training state: the optimizers' state is part of it.");
        // Intermediate tensors (views, optimizer-state clones, generator states) die with this scope; the copies are detached from it.
        using var scope = torch.NewDisposeScope();
        var copies = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        try
        {
            if (parts.HasFlag(TrainingStateParts.Weights))
                using (torch.no_grad())
                    foreach (var (name, tensor) in LiveWeights(gan))
                        copies[name] = tensor.detach().cpu().clone().DetachFromDisposeScope();
            if (parts.HasFlag(TrainingStateParts.Optimizers))
            {
                foreach (var (name, tensor) in gan.DiscriminatorOptimizer.GetState()) copies[DiscriminatorOptimizerPrefix + name] = tensor.cpu().DetachFromDisposeScope();
                foreach (var (name, tensor) in gan.GeneratorOptimizer.GetState()) copies[GeneratorOptimizerPrefix + name] = tensor.cpu().DetachFromDisposeScope();
            }
            if (parts.HasFlag(TrainingStateParts.Random))
            {
                // Cloned, so the copy is ours whatever the binding returns.
                using (var modelState = gan.RandomGenerator.get_state()) copies[ModelRngName] = modelState.clone().DetachFromDisposeScope();
                using (var globalState = torch.get_rng_state()) copies[GlobalRngName] = globalState.clone().DetachFromDisposeScope();
            }
        }
        catch
        {
            foreach (var tensor in copies.Values) tensor.Dispose();
            throw;
        }
        return copies;
    }

    /// <summary>
    /// Restores the chosen parts from saved tensors after checking every name and shape of those parts; on a mismatch
    /// nothing is changed. Saved weight-average tensors are ignored by a GAN without an average.
    /// </summary>
    /// <param name="gan">The GAN to restore into (compiled, when optimizer state is restored).</param>
    /// <param name="tensors">Saved tensors by name.</param>
    /// <param name="parts">Which parts to restore.</param>
    /// <param name="source">Where the tensors come from (a file), for error messages.</param>
    /// <exception cref="InvalidDataException">The tensors do not fit this GAN: every missing, unexpected or mis-shaped name is listed, as is optimizer state that cannot be restored and a random state that is not one.</exception>
    public static void Restore(GanModel gan, IReadOnlyDictionary<string, torch.Tensor> tensors, TrainingStateParts parts, string source)
    {
        ArgumentNullException.ThrowIfNull(gan);
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentException.ThrowIfNullOrEmpty(source);
        if (parts.HasFlag(TrainingStateParts.Optimizers) && !gan.IsCompiled)
            throw new InvalidOperationException("Call Compile() before restoring the training state: the optimizers' state is part of it.");
        var live = LiveWeights(gan);
        var problems = new List<string>();
        if (parts.HasFlag(TrainingStateParts.Weights)) problems.AddRange(WeightProblems(live, tensors));
        if (parts.HasFlag(TrainingStateParts.Optimizers))
        {
            problems.AddRange(OptimizerProblems("discriminator", Slice(tensors, DiscriminatorOptimizerPrefix), gan.Discriminator.TrainableVariables));
            problems.AddRange(OptimizerProblems("generator", Slice(tensors, GeneratorOptimizerPrefix), gan.Generator.TrainableVariables));
            // What SetState would refuse (no iterations, a missing slot), found before anything is changed.
            if (problems.Count == 0 && gan.DiscriminatorOptimizer.StateProblem(Slice(tensors, DiscriminatorOptimizerPrefix), gan.Discriminator.TrainableVariables) is { } discriminator)
                problems.Add($"discriminator optimizer: {discriminator}");
            if (problems.Count == 0 && gan.GeneratorOptimizer.StateProblem(Slice(tensors, GeneratorOptimizerPrefix), gan.Generator.TrainableVariables) is { } generator)
                problems.Add($"generator optimizer: {generator}");
        }
        if (parts.HasFlag(TrainingStateParts.Random))
            foreach (var name in new[] { ModelRngName, GlobalRngName })
            {
                // Checked here: libtorch aborts the process on a malformed generator state instead of raising an error.
                if (!tensors.TryGetValue(name, out var state)) problems.Add($"missing '{name}'");
                else if (GeneratorState.Problem(state) is { } problem) problems.Add($"'{name}' is not a random-generator state: {problem}");
            }
        if (problems.Count > 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"Tensors in '{source}' do not match this GAN's architecture ({problems.Count} mismatches): {string.Join("; ", problems)}. Load them into a GAN built as the one that saved them (same model and sample shape)."));

        if (parts.HasFlag(TrainingStateParts.Weights))
            using (torch.no_grad())
                foreach (var (name, tensor) in live) tensor.copy_(tensors[name]);
        if (parts.HasFlag(TrainingStateParts.Optimizers))
        {
            gan.DiscriminatorOptimizer.SetState(Slice(tensors, DiscriminatorOptimizerPrefix), gan.Discriminator.TrainableVariables);
            gan.GeneratorOptimizer.SetState(Slice(tensors, GeneratorOptimizerPrefix), gan.Generator.TrainableVariables);
        }
        if (parts.HasFlag(TrainingStateParts.Random))
        {
            gan.RandomGenerator.set_state(tensors[ModelRngName]);
            torch.set_rng_state(tensors[GlobalRngName]);
        }
    }

    private static IEnumerable<string> WeightProblems(IReadOnlyDictionary<string, torch.Tensor> live, IReadOnlyDictionary<string, torch.Tensor> saved)
    {
        foreach (var (name, tensor) in live)
        {
            if (!saved.TryGetValue(name, out var other)) yield return $"missing '{name}' {Shapes.Format(tensor.shape)}";
            else if (!other.shape.SequenceEqual(tensor.shape)) yield return $"'{name}': saved {Shapes.Format(other.shape)}, model has {Shapes.Format(tensor.shape)}";
        }
        foreach (var (name, tensor) in saved)
            if ((name.StartsWith(GeneratorPrefix, StringComparison.Ordinal) || name.StartsWith(DiscriminatorPrefix, StringComparison.Ordinal)) && !live.ContainsKey(name))
                yield return $"unexpected '{name}' {Shapes.Format(tensor.shape)}";
    }

    private static IEnumerable<string> OptimizerProblems(string network, Dictionary<string, torch.Tensor> state, IReadOnlyList<TorchSharp.Modules.Parameter> variables)
    {
        foreach (var (name, tensor) in state)
        {
            if (name == "iterations") continue;
            int dot = name.IndexOf('.', StringComparison.Ordinal);
            if (dot <= 0 || !int.TryParse(name.AsSpan(0, dot), NumberStyles.None, CultureInfo.InvariantCulture, out int index)) continue;
            if (index >= variables.Count)
                yield return $"'optimizer.{network}.{name}' {Shapes.Format(tensor.shape)} has no variable (the {network} has {variables.Count} trainable variables)";
            else if (!tensor.shape.SequenceEqual(variables[index].shape))
                yield return $"'optimizer.{network}.{name}': saved {Shapes.Format(tensor.shape)}, variable {index} has {Shapes.Format(variables[index].shape)}";
        }
    }

    private static Dictionary<string, torch.Tensor> Slice(IReadOnlyDictionary<string, torch.Tensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value, StringComparer.Ordinal);
}
