using System.Runtime.CompilerServices;
using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Optimizers;

/// <summary>
/// Base of the Keras-style optimizers: <see cref="ApplyGradients"/> updates variables in place from their gradients.
/// State (moments, step count) is created per variable on first use, in the order variables are first seen, and can be
/// saved and restored with <see cref="GetState"/> / <see cref="SetState"/>.
/// </summary>
public abstract class Optimizer
{
    private readonly Dictionary<Parameter, int> slots = new(ReferenceEqualityComparer.Instance);
    private readonly List<Dictionary<string, torch.Tensor>> slotState = new();
    private double learningRate;

    /// <summary>Initializes a new instance of the <see cref="Optimizer"/> class.</summary>
    /// <param name="learningRate">The step size; must be positive.</param>
    protected Optimizer(double learningRate) => LearningRate = learningRate;

    /// <summary>Gets or sets the learning rate.</summary>
    public double LearningRate
    {
        get => learningRate;
        set
        {
            if (!(value > 0) || double.IsInfinity(value))
                throw new ArgumentOutOfRangeException(nameof(value), value, "Learning rate must be a positive, finite number.");
            learningRate = value;
        }
    }

    /// <summary>Gets the number of updates applied so far (Keras's <c>iterations</c>).</summary>
    public long Iterations { get; private set; }

    /// <summary>Applies one update: each variable moves according to its gradient.</summary>
    /// <param name="gradients">One gradient per variable, same shapes.</param>
    /// <param name="variables">The variables to update.</param>
    public void ApplyGradients(IReadOnlyList<torch.Tensor> gradients, IReadOnlyList<Parameter> variables)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        if (gradients.Count != variables.Count)
            throw new ArgumentException($"Got {gradients.Count} gradients for {variables.Count} variables; pass one gradient per variable, in the same order.", nameof(gradients));
        for (int i = 0; i < variables.Count; i++)
        {
            if (!gradients[i].shape.SequenceEqual(variables[i].shape))
                throw new ArgumentException($"Gradient {i} has shape [{string.Join(", ", gradients[i].shape)}] but its variable has [{string.Join(", ", variables[i].shape)}].", nameof(gradients));
        }
        Iterations++;
        using var noGrad = torch.no_grad();
        for (int i = 0; i < variables.Count; i++)
            UpdateStep(gradients[i], variables[i], SlotFor(variables[i]), Iterations);
    }

    /// <summary>Returns copies of the optimizer's state: <c>iterations</c> and <c>{slot}.{name}</c> for each variable slot.</summary>
    public IReadOnlyDictionary<string, torch.Tensor> GetState()
    {
        var state = new Dictionary<string, torch.Tensor> { ["iterations"] = torch.tensor(Iterations) };
        for (int i = 0; i < slotState.Count; i++)
            foreach (var (name, tensor) in slotState[i])
                state[$"{i}.{name}"] = tensor.detach().clone();
        return state;
    }

    /// <summary>Restores state saved by <see cref="GetState"/> for the given variables (in the order they were first seen).</summary>
    /// <exception cref="ArgumentException">The state does not match the variables' count or shapes.</exception>
    public void SetState(IReadOnlyDictionary<string, torch.Tensor> state, IReadOnlyList<Parameter> variables)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(variables);
        if (!state.TryGetValue("iterations", out var iterations))
            throw new ArgumentException("Optimizer state has no 'iterations' entry.", nameof(state));
        foreach (var tensor in slotState.SelectMany(s => s.Values)) tensor.Dispose();
        slotState.Clear();
        slots.Clear();
        for (int i = 0; i < variables.Count; i++)
        {
            var slot = new Dictionary<string, torch.Tensor>();
            foreach (var name in SlotNames)
            {
                if (!state.TryGetValue($"{i}.{name}", out var saved))
                {
                    if (iterations.item<long>() == 0) continue;
                    throw new ArgumentException($"Optimizer state lacks '{i}.{name}' for variable {i}.", nameof(state));
                }
                if (!saved.shape.SequenceEqual(variables[i].shape))
                    throw new ArgumentException($"Optimizer state '{i}.{name}' has shape [{string.Join(", ", saved.shape)}] but variable {i} has [{string.Join(", ", variables[i].shape)}].", nameof(state));
                slot[name] = saved.detach().clone().to(variables[i].device).DetachFromDisposeScope();
            }
            slots[variables[i]] = i;
            slotState.Add(slot);
        }
        Iterations = iterations.item<long>();
    }

    /// <summary>Gets a plain description of the optimizer's hyperparameters.</summary>
    public abstract IReadOnlyDictionary<string, object> GetConfig();

    /// <summary>Gets the names of the per-variable state tensors (<c>m</c>, <c>v</c>, ...).</summary>
    protected abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>Updates one variable in place. Runs without gradient recording.</summary>
    /// <param name="gradient">The variable's gradient.</param>
    /// <param name="variable">The variable.</param>
    /// <param name="slot">Per-variable state, keyed by <see cref="SlotNames"/>, created as zeros.</param>
    /// <param name="step">The 1-based update count.</param>
    protected abstract void UpdateStep(torch.Tensor gradient, Parameter variable, IReadOnlyDictionary<string, torch.Tensor> slot, long step);

    private Dictionary<string, torch.Tensor> SlotFor(Parameter variable)
    {
        if (!slots.TryGetValue(variable, out int index))
        {
            index = slotState.Count;
            slots[variable] = index;
            slotState.Add(new Dictionary<string, torch.Tensor>());
        }
        var slot = slotState[index];
        foreach (var name in SlotNames)
            if (!slot.ContainsKey(name))
                // Optimizer state lives across steps: detached from any dispose scope on purpose.
                slot[name] = torch.zeros_like(variable).DetachFromDisposeScope();
        return slot;
    }
}
