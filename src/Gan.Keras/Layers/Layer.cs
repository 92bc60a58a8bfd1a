using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Layers;

/// <summary>
/// Base class of every layer, with Keras's lifecycle: the constructor validates arguments, <see cref="Build"/> creates
/// the weights (through <see cref="AddWeight"/>, which registers them with TorchSharp), <see cref="Call"/> only computes,
/// <see cref="ComputeOutputShape"/> works on shapes alone and <see cref="GetConfig"/> returns a plain record.
/// </summary>
/// <remarks>
/// Shapes given to <see cref="Build"/> and <see cref="ComputeOutputShape"/> exclude the batch dimension. Tensors are
/// NCHW for images, as in libtorch (Keras's default is channels-last).
/// </remarks>
public abstract partial class Layer : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    // Names, not tensors: TorchSharp replaces a module's parameters and buffers when it moves device or dtype, so the
    // layer asks the module for the live ones every time (a cached list would hold disposed tensors after .to()).
    private readonly List<string> trainableWeightNames = new();
    private readonly List<string> nonTrainableWeightNames = new();
    private long[]? inputShape;
    private bool trainable = true;

    /// <summary>Initializes a new instance of the <see cref="Layer"/> class.</summary>
    /// <param name="name">The layer's name; when null, the containing model names it (<c>dense_0</c>, <c>dense_1</c>, ...).</param>
    protected Layer(string? name) : base(string.IsNullOrEmpty(name) ? "layer" : name)
    {
        if (!string.IsNullOrEmpty(name)) ValidateName(name);
        Name = name ?? string.Empty;
    }

    /// <summary>Gets the layer's name (unique within its model).</summary>
    public string Name { get; private set; }

    /// <summary>Gets a value indicating whether <see cref="Build"/> has run.</summary>
    public bool Built { get; private set; }

    /// <summary>Gets the per-example input shape the layer was built for, or null before it is built.</summary>
    public IReadOnlyList<long>? InputShape => inputShape;

    /// <summary>Gets the per-example output shape, or null before the layer is built.</summary>
    public IReadOnlyList<long>? OutputShape => inputShape is null ? null : ComputeOutputShape(inputShape);

    /// <summary>
    /// Gets or sets a value indicating whether the layer's weights are updated by training (Keras's <c>trainable</c>).
    /// Setting it sets every sublayer's too, as in Keras 3, so a frozen model's <see cref="BatchNormalization"/> layers run
    /// in inference mode.
    /// </summary>
    public bool Trainable
    {
        get => trainable;
        set
        {
            trainable = value;
            foreach (var layer in SubLayers) layer.Trainable = value;
        }
    }

    /// <summary>Gets the weights that gradients update, including those of sublayers; empty when not <see cref="Trainable"/>.</summary>
    public IReadOnlyList<Parameter> TrainableVariables =>
        trainable ? OwnTrainableWeights().Concat(SubLayers.SelectMany(l => l.TrainableVariables)).ToArray() : Array.Empty<Parameter>();

    /// <summary>Gets the weights that are saved but not trained (moving statistics, and every weight of a frozen layer).</summary>
    public IReadOnlyList<torch.Tensor> NonTrainableVariables =>
        (trainable ? OwnNonTrainableWeights() : OwnTrainableWeights().Cast<torch.Tensor>().Concat(OwnNonTrainableWeights()))
            .Concat(SubLayers.SelectMany(l => trainable ? l.NonTrainableVariables : l.TrainableVariables.Cast<torch.Tensor>().Concat(l.NonTrainableVariables)))
            .ToArray();

    /// <summary>Gets the direct sublayers (registered as TorchSharp child modules), in registration order.</summary>
    public IReadOnlyList<Layer> SubLayers => named_children().Select(c => c.module).OfType<Layer>().ToArray();

    /// <summary>Gets the number of scalar weights in this layer and its sublayers.</summary>
    public long CountParams() => parameters().Sum(p => p.numel()) + named_buffers().Sum(b => b.buffer.numel());

    /// <summary>Creates the layer's weights for a per-example input shape. Called once, automatically on first use.</summary>
    /// <param name="inputShape">The input shape without the batch dimension.</param>
    public void Build(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (Built)
        {
            if (!Shapes.Equal(inputShape, this.inputShape!))
                throw new IncompatibleInputException(
                    $"Layer '{Name}' ({GetType().Name}) was built for input shape {Shapes.FormatWithBatch(this.inputShape!)}, but is now used with {Shapes.FormatWithBatch(inputShape)}. Create a new layer for the other shape.",
                    this.inputShape!, inputShape);
            return;
        }
        ValidateInputShape(inputShape);
        BuildWeights(inputShape);
        this.inputShape = inputShape.ToArray();
        Built = true;
    }

    /// <summary>Runs the layer: builds it on first use, then computes.</summary>
    /// <param name="inputs">A batch; the first dimension is the batch.</param>
    /// <param name="training">Whether the call is part of training (dropout, batch statistics).</param>
    /// <remarks>Models override this to compose their sublayers (Keras's <c>call</c>); leaf layers override <see cref="CallCore"/>.</remarks>
    public virtual torch.Tensor Call(torch.Tensor inputs, bool training = false)
    {
        EnsureBuiltFor(inputs);
        // Mixed precision (Layer.DtypePolicy.cs): inputs in the compute dtype, variables read cast to it meanwhile.
        var cast = AutocastInputs(inputs);
        using var autocast = Autocasting();
        try { return CallCore(cast, training); }
        finally { if (!ReferenceEquals(cast, inputs)) cast.Dispose(); }
    }

    /// <summary>Builds the layer for <paramref name="inputs"/>'s per-example shape on first use, or checks the shape afterwards.</summary>
    protected void EnsureBuiltFor(torch.Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.dim() == 0)
            throw new IncompatibleInputException($"Layer '{Name}' ({GetType().Name}) received a scalar; inputs need a batch dimension first.", Array.Empty<long>(), Array.Empty<long>());
        var perExample = inputs.shape.Skip(1).ToArray();
        if (!Built) Build(perExample);
        else CheckInput(perExample, inputs.shape);
    }

    /// <summary>TorchSharp entry point: same as <see cref="Call"/> with the module's training mode.</summary>
    public override torch.Tensor forward(torch.Tensor input) => Call(input, training);

    /// <summary>Computes the per-example output shape from a per-example input shape, without touching data.</summary>
    public abstract IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape);

    /// <summary>Gets the layer's configuration: a plain record that <see cref="LayerConfig.CreateLayer"/> turns back into an equivalent layer.</summary>
    public abstract LayerConfig GetConfig();

    /// <summary>Gets the name to store in a configuration: the layer's name, or null when it has none yet (so the copy is named by its model too).</summary>
    protected string? ConfigName => Name.Length == 0 ? null : Name;

    /// <summary>Computes the output. Only called once the layer is built and the input is checked.</summary>
    protected virtual torch.Tensor CallCore(torch.Tensor inputs, bool training) =>
        throw new NotSupportedException($"{GetType().Name} must override CallCore (a layer) or Call (a model).");

    /// <summary>Creates weights with <see cref="AddWeight"/>. Layers without weights keep the default (nothing).</summary>
    protected virtual void BuildWeights(IReadOnlyList<long> inputShape)
    {
    }

    /// <summary>Throws an <see cref="IncompatibleInputException"/> when the layer cannot accept <paramref name="inputShape"/>.</summary>
    protected virtual void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
    }

    /// <summary>Creates a weight and registers it with TorchSharp under <paramref name="name"/>.</summary>
    /// <param name="name">The weight's name within the layer (<c>kernel</c>, <c>bias</c>).</param>
    /// <param name="shape">The weight's shape.</param>
    /// <param name="initializer">How to fill it.</param>
    /// <param name="trainable">Whether gradients update it; non-trainable weights are registered as buffers.</param>
    /// <param name="fans">Fan-in and fan-out for variance-scaling initializers; by default Keras's rule for <paramref name="shape"/>.</param>
    /// <param name="autocast">Whether a mixed policy reads the weight cast to the compute dtype (Keras's <c>autocast</c>); false keeps it in the variable dtype.</param>
    protected torch.Tensor AddWeight(string name, long[] shape, Initializer initializer, bool trainable = true, (long FanIn, long FanOut)? fans = null, bool autocast = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(initializer);
        var (fanIn, fanOut) = fans ?? Initializer.ComputeFans(shape);
        // Weights live as long as the layer: detached from any dispose scope the build happens to run in.
        var values = InVariableDtype(initializer.Create(shape, fanIn, fanOut).DetachFromDisposeScope());
        if (!autocast) KeepInVariableDtype(name);
        if (trainable)
        {
            var parameter = (Parameter)new Parameter(values, requires_grad: true).DetachFromDisposeScope();
            register_parameter(name, parameter);
            trainableWeightNames.Add(name);
            return parameter;
        }
        register_buffer(name, values);
        nonTrainableWeightNames.Add(name);
        return values;
    }

    /// <summary>
    /// Gets the weight registered under <paramref name="name"/> as it is now (after any move to another device or
    /// dtype), or null when the layer has no such weight. Layers read their weights through this, never from a field.
    /// </summary>
    /// <param name="name">The weight's name within the layer (<c>kernel</c>, <c>moving_mean</c>).</param>
    /// <remarks>While the layer computes under a mixed policy, a trainable weight comes cast to the compute dtype (differentiably).</remarks>
    protected torch.Tensor? FindWeight(string name) => Autocast(name, (torch.Tensor?)get_parameter(name) ?? get_buffer(name));

    private IEnumerable<Parameter> OwnTrainableWeights() => trainableWeightNames.Select(name => get_parameter(name)!);

    private IEnumerable<torch.Tensor> OwnNonTrainableWeights() => nonTrainableWeightNames.Select(name => get_buffer(name)!);

    /// <summary>Assigns a name when the layer has none (done by the containing model).</summary>
    internal void AssignName(string name)
    {
        ValidateName(name);
        Name = name;
    }

    private void CheckInput(long[] perExample, long[] fullShape)
    {
        if (!Shapes.Equal(perExample, inputShape!)) throw CreateInputMismatch(inputShape!, fullShape);
    }

    /// <summary>Creates the error for input that does not match the shape the layer was built for. Override to suggest a fix.</summary>
    /// <param name="builtFor">The per-example shape the layer was built for.</param>
    /// <param name="received">The full shape received, batch included.</param>
    protected virtual IncompatibleInputException CreateInputMismatch(IReadOnlyList<long> builtFor, IReadOnlyList<long> received) =>
        new($"Layer '{Name}' ({GetType().Name}) was built for input shape {Shapes.FormatWithBatch(builtFor)}, but received shape {Shapes.Format(received)}.",
            builtFor, received);

    private static void ValidateName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains('.', StringComparison.Ordinal))
            throw new ArgumentException($"Layer name '{name}' is not valid: use a non-empty name without '.' (dots separate names in saved weights).", nameof(name));
    }
}
