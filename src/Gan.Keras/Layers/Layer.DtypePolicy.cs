using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>The layer's dtype policy: which dtype its variables are stored in and which it computes in (see <see cref="Layers.DtypePolicy"/>).</summary>
public abstract partial class Layer
{
    // Weights created with autocast: false (batch normalisation's γ and β), read in their own dtype even under a mixed policy.
    private readonly HashSet<string> keptInVariableDtype = new();
    private DtypePolicy dtypePolicy = DtypePolicy.Global;
    private int autocasting;

    /// <summary>
    /// Gets or sets the layer's dtype policy (Keras's <c>dtype</c> argument and <c>dtype_policy</c>); by default the
    /// <see cref="DtypePolicy.Global"/> policy when the layer was constructed. Set it before the layer is built.
    /// </summary>
    /// <exception cref="InvalidOperationException">The layer is already built: its variables exist in the old policy's dtype.</exception>
    public DtypePolicy DtypePolicy
    {
        get => dtypePolicy;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (Built && !value.Equals(dtypePolicy))
                throw new InvalidOperationException($"Layer '{Name}' ({GetType().Name}) is already built with dtype policy '{dtypePolicy.Name}'; set DtypePolicy = '{value.Name}' before building it (before the model is built or first called).");
            dtypePolicy = value;
        }
    }

    /// <summary>Gets the dtype the layer's variables are created in (Keras's <c>variable_dtype</c>).</summary>
    public torch.ScalarType VariableDtype => dtypePolicy.VariableDtype;

    /// <summary>Gets the dtype the layer computes in (Keras's <c>compute_dtype</c>).</summary>
    public torch.ScalarType ComputeDtype => dtypePolicy.ComputeDtype;

    /// <summary>Gets every layer in this layer's tree, itself first.</summary>
    internal IEnumerable<Layer> SelfAndDescendants() => SubLayers.SelectMany(l => l.SelfAndDescendants()).Prepend(this);

    /// <summary>
    /// Returns <paramref name="inputs"/> cast to the dtype this layer computes in, or <paramref name="inputs"/> itself when
    /// it needs no cast (non-floating inputs never do), as Keras's layers autocast their inputs.
    /// </summary>
    /// <remarks>
    /// A mixed policy computes in its compute dtype. Otherwise the layer computes in the dtype its variables have now
    /// (the policy's, or another after the module was moved with <c>.to(dtype)</c>); a layer without variables passes
    /// full-precision inputs through unchanged (so a model moved to float64 computes in float64), and casts 16-bit
    /// inputs up to a full-precision policy's dtype (a float32 layer at the end of a mixed model gives float32).
    /// </remarks>
    protected internal torch.Tensor AutocastInputs(torch.Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (!inputs.is_floating_point()) return inputs;
        var target = InputDtype(inputs.dtype);
        return target is { } dtype && dtype != inputs.dtype ? inputs.to(dtype) : inputs;
    }

    /// <summary>Returns a variable's value as the layer computes with it: cast (differentiably) to the compute dtype under a mixed policy, else itself.</summary>
    protected internal torch.Tensor AutocastVariable(torch.Tensor variable)
    {
        ArgumentNullException.ThrowIfNull(variable);
        return dtypePolicy.IsMixed && variable.is_floating_point() && variable.dtype != dtypePolicy.ComputeDtype ? variable.to(dtypePolicy.ComputeDtype) : variable;
    }

    /// <summary>
    /// Marks the layer as computing until the returned object is disposed: meanwhile <see cref="FindWeight"/> returns its
    /// trainable variables cast to the compute dtype under a mixed policy (Keras's <c>AutocastScope</c>, per layer).
    /// <see cref="Call(torch.Tensor, bool)"/> does this around <see cref="CallCore"/>; a wrapper that computes through another layer's
    /// internals (spectral normalisation) does it for that layer.
    /// </summary>
    protected internal IDisposable Autocasting()
    {
        autocasting++;
        return new AutocastExit(this);
    }

    /// <summary>Keeps the weight <paramref name="name"/> in its variable dtype when read under a mixed policy (Keras's <c>add_weight(autocast=False)</c>).</summary>
    private void KeepInVariableDtype(string name) => keptInVariableDtype.Add(name);

    /// <summary>The weight as <see cref="FindWeight"/> returns it: cast while the layer is computing under a mixed policy, if it is a trainable variable that autocasts.</summary>
    private torch.Tensor? Autocast(string name, torch.Tensor? weight) =>
        weight is not null && autocasting > 0 && weight is TorchSharp.Modules.Parameter && !keptInVariableDtype.Contains(name) ? AutocastVariable(weight) : weight;

    /// <summary>Creates a weight's values in the variable dtype (initializers draw in float32).</summary>
    private torch.Tensor InVariableDtype(torch.Tensor values)
    {
        if (values.dtype == dtypePolicy.VariableDtype || !values.is_floating_point()) return values;
        using (values) return values.to(dtypePolicy.VariableDtype).DetachFromDisposeScope();
    }

    private torch.ScalarType? InputDtype(torch.ScalarType input)
    {
        if (dtypePolicy.IsMixed) return dtypePolicy.ComputeDtype;
        if (CurrentVariableDtype() is { } moved) return moved;
        if (DtypePolicy.IsHalf(dtypePolicy.ComputeDtype)) return dtypePolicy.ComputeDtype;
        return DtypePolicy.IsHalf(input) ? dtypePolicy.ComputeDtype : null;
    }

    private torch.ScalarType? CurrentVariableDtype()
    {
        foreach (var (_, parameter) in named_parameters(recurse: false))
            if (parameter.is_floating_point()) return parameter.dtype;
        return null;
    }

    private sealed class AutocastExit(Layer layer) : IDisposable
    {
        private bool done;

        public void Dispose()
        {
            if (done) return;
            done = true;
            layer.autocasting--;
        }
    }
}
