using Gan.Keras.Training.Distributed;
using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Optimizers;

/// <summary>
/// Base of the Keras-style optimizers: <see cref="ApplyGradients"/> updates variables in place from their gradients.
/// State (moments, step count) follows the variables by position, and can be saved and restored with
/// <see cref="GetState"/> / <see cref="SetState"/>.
/// </summary>
/// <remarks>
/// <para>
/// One update costs the same few kernels however many variables there are: on first use the variables are given one
/// shared flat storage (each keeps its shape, as a view into it), the state lives in flat buffers beside it, and the
/// subclass updates all of them at once (<see cref="Update"/>). This is the "flat parameters" layout of apex and of
/// PyTorch's fused optimizers.
/// </para>
/// <para>
/// TorchSharp replaces a module's parameters when it moves to another device or dtype. The optimizer notices the new
/// tensors at the next update (or at <see cref="MoveState"/>), gives them a flat storage again and converts its state
/// to their device and dtype, so training continues exactly as if nothing had moved. An optimizer serves one list of
/// variables, always passed in the same order (one optimizer per network, as Keras requires after <c>compile</c>).
/// </para>
/// </remarks>
public abstract class Optimizer
{
    private FlatLayout? layout;
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

    /// <summary>
    /// Gets or sets what averages the gradients over the ranks of a data-parallel run before every update: one
    /// allreduce over the flat buffer of all this optimizer's gradients. Null (the default) in one process; a
    /// data-parallel <c>Fit</c> sets it for the run and clears it afterwards.
    /// </summary>
    public GradientAverager? GradientAverager { get; set; }

    /// <summary>Gets the number of updates applied so far (Keras's <c>iterations</c>); updates skipped by <see cref="LossScale"/> do not count.</summary>
    public long Iterations { get; private set; }

    /// <summary>
    /// Gets or sets the dynamic loss scale for float16 training, or null (the default) for none: gradients given to
    /// <see cref="ApplyGradients"/> are then taken of <see cref="DynamicLossScale.ScaleLoss"/>'s scaled loss, are divided
    /// by the scale here, and an update with a non-finite gradient is skipped. <c>Compile</c> sets one for a
    /// <c>mixed_float16</c> network.
    /// </summary>
    public DynamicLossScale? LossScale { get; set; }

    /// <summary>Applies one update: each variable moves according to its gradient.</summary>
    /// <param name="gradients">One gradient per variable, same shapes.</param>
    /// <param name="variables">The variables to update: the same list (by position and shape) at every call.</param>
    public void ApplyGradients(IReadOnlyList<torch.Tensor> gradients, IReadOnlyList<Parameter> variables)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentNullException.ThrowIfNull(variables);
        if (gradients.Count != variables.Count)
            throw new ArgumentException($"Got {gradients.Count} gradients for {variables.Count} variables; pass one gradient per variable, in the same order.", nameof(gradients));
        if (variables.Count == 0) return;
        var current = EnsureLayout(variables);
        for (int i = 0; i < variables.Count; i++)
        {
            if (gradients[i].numel() != current.Sizes[i])
                throw new ArgumentException($"Gradient {i} has shape [{string.Join(", ", gradients[i].shape)}] but its variable has [{string.Join(", ", variables[i].shape)}].", nameof(gradients));
        }
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var flatGradients = torch.cat(gradients.Select(g => g.reshape(-1)).ToArray()).to(current.Values.dtype, current.Values.device);
        GradientAverager?.Average(flatGradients); // data-parallel: the mean over the ranks, one allreduce per update
        if (LossScale is { } lossScale && !lossScale.Unscale(flatGradients)) return; // float16 overflow: skip, scale halved
        Iterations++;
        Update(current.Values, flatGradients, current.Slots, Iterations);
    }

    /// <summary>
    /// Converts the optimizer's state to the device and dtype of <paramref name="variables"/>, after their module moved;
    /// optional, since the next <see cref="ApplyGradients"/> does it too.
    /// </summary>
    /// <param name="variables">The variables, as the module has them now.</param>
    public void MoveState(IReadOnlyList<Parameter> variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        if (layout is not null && variables.Count > 0) EnsureLayout(variables);
    }

    /// <summary>Returns copies of the optimizer's state: <c>iterations</c>, <c>{index}.{slot}</c> for each variable, and with a <see cref="LossScale"/> <c>loss_scale</c> and <c>loss_scale_good_steps</c>.</summary>
    public IReadOnlyDictionary<string, torch.Tensor> GetState()
    {
        var state = new Dictionary<string, torch.Tensor> { ["iterations"] = torch.tensor(Iterations) };
        LossScale?.Save(state);
        if (layout is null) return state;
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < layout.Sizes.Length; i++)
            foreach (var (name, slot) in layout.Slots)
                state[$"{i}.{name}"] = layout.View(slot, i).clone().MoveToOuterDisposeScope();
        return state;
    }

    /// <summary>Restores state saved by <see cref="GetState"/> for the given variables (in the same order).</summary>
    /// <exception cref="ArgumentException">The state does not match the variables' count or shapes.</exception>
    public void SetState(IReadOnlyDictionary<string, torch.Tensor> state, IReadOnlyList<Parameter> variables)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(variables);
        if (StateProblem(state, variables) is { } problem) throw new ArgumentException(problem, nameof(state));
        long restoredIterations = state["iterations"].item<long>();
        LossScale?.Restore(state);
        layout?.Dispose();
        layout = null;
        Iterations = restoredIterations;
        if (variables.Count == 0) return;
        var restored = EnsureLayout(variables);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        for (int i = 0; i < variables.Count; i++)
            foreach (var (name, slot) in restored.Slots)
                if (state.TryGetValue($"{i}.{name}", out var saved))
                    restored.View(slot, i).copy_(saved);
    }

    /// <summary>Gets a plain description of the optimizer's hyperparameters.</summary>
    public abstract IReadOnlyDictionary<string, object> GetConfig();

    /// <summary>Gets the names of the per-variable state tensors (<c>m</c>, <c>v</c>, ...).</summary>
    protected abstract IReadOnlyList<string> SlotNames { get; }

    /// <summary>Gets why <see cref="SetState"/> would refuse <paramref name="state"/> for <paramref name="variables"/>, or null when it would not; checks without changing anything.</summary>
    internal string? StateProblem(IReadOnlyDictionary<string, torch.Tensor> state, IReadOnlyList<Parameter> variables)
    {
        if (!state.TryGetValue("iterations", out var iterations))
            return "Optimizer state has no 'iterations' entry.";
        if (iterations.dtype != torch.int64 || iterations.numel() != 1)
            return $"Optimizer state 'iterations' must be one int64, but is {iterations.dtype} of shape [{string.Join(", ", iterations.shape)}].";
        long restoredIterations = iterations.item<long>();
        if (DynamicLossScale.StateProblem(state) is { } lossScaleProblem) return lossScaleProblem;
        for (int i = 0; i < variables.Count; i++)
            foreach (var name in SlotNames)
            {
                if (!state.TryGetValue($"{i}.{name}", out var saved))
                {
                    if (restoredIterations == 0) continue;
                    return $"Optimizer state lacks '{i}.{name}' for variable {i}.";
                }
                if (!saved.shape.SequenceEqual(variables[i].shape))
                    return $"Optimizer state '{i}.{name}' has shape [{string.Join(", ", saved.shape)}] but variable {i} has [{string.Join(", ", variables[i].shape)}].";
            }
        return null;
    }

    /// <summary>
    /// Updates every variable in place at once. Runs without gradient recording; the tensors are flat (1-D) and
    /// aligned: element k of <paramref name="gradients"/> and of each slot belongs to element k of <paramref name="variables"/>.
    /// </summary>
    /// <param name="variables">All variables' values, flat; writing to it updates the variables.</param>
    /// <param name="gradients">All gradients, flat, in the variables' dtype.</param>
    /// <param name="slots">The state, flat, keyed by <see cref="SlotNames"/>, created as zeros.</param>
    /// <param name="step">The 1-based update count.</param>
    protected abstract void Update(torch.Tensor variables, torch.Tensor gradients, IReadOnlyDictionary<string, torch.Tensor> slots, long step);

    /// <summary>Returns the flat layout of <paramref name="variables"/>, building it on first use and again after the module replaced them.</summary>
    private FlatLayout EnsureLayout(IReadOnlyList<Parameter> variables)
    {
        if (layout is not null)
        {
            if (layout.Holds(variables)) return layout;
            layout.CheckSameShapes(variables);
        }
        var rebuilt = FlatLayout.Create(variables, SlotNames, layout);
        layout?.Dispose();
        layout = rebuilt;
        return layout;
    }

    /// <summary>The variables' shared flat storage and the state's flat buffers.</summary>
    private sealed class FlatLayout : IDisposable
    {
        // Kept only to notice a module replacing its parameters (by reference); never read, since a moved module may
        // have disposed them.
        private readonly Parameter[] variables;
        private readonly long[][] shapes;
        private readonly long[] offsets;

        private FlatLayout(Parameter[] variables, long[][] shapes, long[] sizes, long[] offsets, torch.Tensor values, Dictionary<string, torch.Tensor> slots)
        {
            this.variables = variables;
            this.shapes = shapes;
            Sizes = sizes;
            this.offsets = offsets;
            Values = values;
            Slots = slots;
        }

        public long[] Sizes { get; }

        public torch.Tensor Values { get; }

        public Dictionary<string, torch.Tensor> Slots { get; }

        /// <summary>
        /// Copies the variables into one flat tensor and makes each variable a view of its part; the state is carried
        /// over from <paramref name="previous"/> (converted to the variables' device and dtype, losslessly for
        /// float32 ↔ float64 round trips), or created as zeros.
        /// </summary>
        public static FlatLayout Create(IReadOnlyList<Parameter> variables, IReadOnlyList<string> slotNames, FlatLayout? previous)
        {
            var first = variables[0];
            var (dtype, device) = (first.dtype, first.device);
            for (int i = 1; i < variables.Count; i++)
                if (variables[i].dtype != dtype || variables[i].device.ToString() != device.ToString())
                    throw new ArgumentException($"All variables of one optimizer must share a dtype and device, but variable 0 is {dtype} on {device} and variable {i} is {variables[i].dtype} on {variables[i].device}. Move the whole model with .to(...).", nameof(variables));
            var sizes = variables.Select(v => v.numel()).ToArray();
            var offsets = new long[sizes.Length];
            for (int i = 1; i < sizes.Length; i++) offsets[i] = offsets[i - 1] + sizes[i - 1];
            using var noGrad = torch.no_grad();
            using var scope = torch.NewDisposeScope();
            // The flat buffers live as long as the layout: detached from this scope on purpose.
            var values = torch.cat(variables.Select(v => v.detach().reshape(-1)).ToArray()).DetachFromDisposeScope();
            var slots = slotNames.ToDictionary(name => name, name =>
                (previous?.Slots.GetValueOrDefault(name) is { } old ? old.to(dtype, device, copy: true) : torch.zeros_like(values)).DetachFromDisposeScope());
            for (int i = 0; i < variables.Count; i++)
                variables[i].set_(values.narrow(0, offsets[i], sizes[i]).view(variables[i].shape));
            return new FlatLayout(variables.ToArray(), variables.Select(v => v.shape).ToArray(), sizes, offsets, values, slots);
        }

        /// <summary>Whether these are the very variables the layout was built for (a moved module has new ones).</summary>
        public bool Holds(IReadOnlyList<Parameter> current)
        {
            if (current.Count != variables.Length) return false;
            for (int i = 0; i < variables.Length; i++)
                if (!ReferenceEquals(current[i], variables[i])) return false;
            return true;
        }

        public void CheckSameShapes(IReadOnlyList<Parameter> current)
        {
            bool same = current.Count == variables.Length;
            for (int i = 0; same && i < variables.Length; i++) same = current[i].numel() == Sizes[i];
            if (!same)
                throw new ArgumentException(
                    $"This optimizer updates {variables.Length} variables ({Sizes.Sum()} values), but received {current.Count} ({current.Sum(v => v.numel())} values). " +
                    "Use one optimizer per list of variables (and a new optimizer after changing which layers are trainable).", nameof(current));
        }

        /// <summary>Variable <paramref name="index"/>'s part of a flat slot, in the variable's shape (a view).</summary>
        public torch.Tensor View(torch.Tensor slot, int index) => slot.narrow(0, offsets[index], Sizes[index]).view(shapes[index]);

        public void Dispose()
        {
            // The variables keep their storage alive through their views; only the layout's own handles go.
            Values.Dispose();
            foreach (var slot in Slots.Values) slot.Dispose();
        }
    }
}
