using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Layers;

/// <summary>
/// Base class of every layer, with Keras's lifecycle: the constructor validates arguments, <see cref="Build(IReadOnlyList{long})"/> creates
/// the weights (through <see cref="AddWeight"/>, which registers them with TorchSharp), <see cref="Call(torch.Tensor, bool)"/> only computes,
/// <see cref="ComputeOutputShape(IReadOnlyList{long})"/> works on shapes alone and <see cref="GetConfig"/> returns a plain record.
/// </summary>
/// <remarks>
/// <para>Shapes given to <see cref="Build(IReadOnlyList{long})"/> and <see cref="ComputeOutputShape(IReadOnlyList{long})"/>
/// exclude the batch dimension. Tensors are NCHW for images, as in libtorch (Keras's default is channels-last).</para>
/// <para>A layer is called on tensors (eager) or on <see cref="KerasTensor"/>s (symbolic, to build a
/// <see cref="Models.Functional"/> graph). Most layers take one input and give one output; merge layers and models
/// take several (<see cref="Call(IReadOnlyList{torch.Tensor}, bool)"/>), functional models may give several
/// (<see cref="CallOutputs(IReadOnlyList{torch.Tensor}, bool)"/>). What only the layer knows stays with it: its
/// configuration (<see cref="GetConfig"/>), whether it mixes the examples of a batch (<see cref="MixesBatch"/>) and its
/// ONNX conversion (<see cref="ExportOnnx(OnnxExportContext, string)"/>).</para>
/// </remarks>
public abstract partial class Layer : torch.nn.Module<torch.Tensor, torch.Tensor>
{
    // Names, not tensors: TorchSharp replaces a module's parameters and buffers when it moves device or dtype, so the
    // layer asks the module for the live ones every time (a cached list would hold disposed tensors after .to()).
    private readonly List<string> trainableWeightNames = new();
    private readonly List<string> nonTrainableWeightNames = new();
    private readonly List<Node> inboundNodes = new();
    private long[][]? inputShapes;
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

    /// <summary>Gets a value indicating whether <see cref="Build(IReadOnlyList{long})"/> has run.</summary>
    public bool Built { get; private set; }

    /// <summary>Gets the name, or the snake-case type name while the layer has none yet (in messages and summaries).</summary>
    public string DisplayName => Name.Length > 0 ? Name : Shapes.SnakeCase(GetType().Name);

    /// <summary>Gets the per-example input shape the layer was built for, or null before it is built.</summary>
    /// <exception cref="InvalidOperationException">The layer has several inputs; use <see cref="InputShapes"/>.</exception>
    public IReadOnlyList<long>? InputShape => inputShapes is null ? null : inputShapes.Length == 1 ? inputShapes[0]
        : throw new InvalidOperationException($"Layer '{DisplayName}' ({GetType().Name}) has {inputShapes.Length} inputs; use InputShapes.");

    /// <summary>Gets the per-example shapes of every input the layer was built for, or null before it is built.</summary>
    public IReadOnlyList<IReadOnlyList<long>>? InputShapes => inputShapes;

    /// <summary>Gets the per-example output shape, or null before the layer is built.</summary>
    /// <exception cref="InvalidOperationException">The layer has several outputs; use <see cref="OutputShapes"/>.</exception>
    public IReadOnlyList<long>? OutputShape => OutputShapes is not { } shapes ? null : shapes.Count == 1 ? shapes[0]
        : throw new InvalidOperationException($"Layer '{DisplayName}' ({GetType().Name}) has {shapes.Count} outputs; use OutputShapes.");

    /// <summary>Gets the per-example shape of every output, or null before the layer is built.</summary>
    public IReadOnlyList<IReadOnlyList<long>>? OutputShapes => inputShapes is null ? null : ComputeOutputShapes(inputShapes);

    /// <summary>Gets the layer's calls on symbolic tensors, in order (Keras's inbound nodes); a shared layer has several.</summary>
    public IReadOnlyList<Node> InboundNodes => inboundNodes;

    /// <summary>
    /// Gets a value indicating whether an example's output depends on the other examples of its batch (batch
    /// normalisation in training). Scoring real and generated samples in one discriminator call is refused when it does.
    /// A model mixes when any of its layers does.
    /// </summary>
    public virtual bool MixesBatch => SubLayers.Any(layer => layer.MixesBatch);

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

    /// <summary>Gets or sets this layer's own <see cref="Trainable"/> flag, leaving its sublayers' as they are (a compiled model restores the flags it was compiled with).</summary>
    internal bool OwnTrainable
    {
        get => trainable;
        set => trainable = value;
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
        Build(new[] { inputShape });
    }

    /// <summary>Creates the layer's weights for the per-example shapes of several inputs (merge layers, models with several inputs).</summary>
    /// <param name="inputShapes">Each input's shape without the batch dimension.</param>
    /// <exception cref="IncompatibleInputException">The layer cannot take these shapes, or was built for others.</exception>
    public void Build(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (Built)
        {
            bool same = inputShapes.Count == this.inputShapes!.Length && inputShapes.Select((s, i) => Shapes.Equal(s, this.inputShapes[i])).All(x => x);
            if (!same)
                throw new IncompatibleInputException(
                    $"Layer '{DisplayName}' ({GetType().Name}) was built for input shape {FormatShapes(this.inputShapes)}, but is now used with {FormatShapes(inputShapes)}. Create a new layer for the other shape (a shared layer needs the same shape at every call).",
                    this.inputShapes[0], inputShapes.Count > 0 ? inputShapes[0] : Array.Empty<long>());
            return;
        }
        ValidateInputShapes(inputShapes);
        BuildWeights(inputShapes);
        this.inputShapes = inputShapes.Select(s => s.ToArray()).ToArray();
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

    /// <summary>Runs the layer on several inputs (merge layers, models with several inputs) and returns its one output.</summary>
    /// <param name="inputs">Batches with the same batch size; one input is the same as <see cref="Call(torch.Tensor, bool)"/>.</param>
    /// <param name="training">Whether the call is part of training.</param>
    /// <exception cref="IncompatibleInputException">The layer takes one input and received several.</exception>
    public virtual torch.Tensor Call(IReadOnlyList<torch.Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count == 1) return Call(inputs[0], training);
        throw new IncompatibleInputException(
            $"Layer '{DisplayName}' ({GetType().Name}) takes one input, but received {inputs.Count}. Join them first (Concatenate, Add) or call it on each.",
            new long[] { 1 }, new long[] { inputs.Count });
    }

    /// <summary>Runs the layer on its inputs and returns every output (several for a functional model with several outputs).</summary>
    /// <param name="inputs">The inputs, in the order of the layer's inputs.</param>
    /// <param name="training">Whether the call is part of training.</param>
    public virtual IReadOnlyList<torch.Tensor> CallOutputs(IReadOnlyList<torch.Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        return new[] { inputs.Count == 1 ? Call(inputs[0], training) : Call(inputs, training) };
    }

    /// <summary>
    /// Calls the layer on a symbolic tensor, as <c>layer(x)</c> in Keras's functional API: builds the layer for
    /// <paramref name="input"/>'s shape (or checks it), records the call and returns the symbolic output.
    /// </summary>
    /// <exception cref="IncompatibleInputException">The shape does not fit the layer; the message names the layer and both shapes.</exception>
    /// <exception cref="InvalidOperationException">The layer has several outputs; use <see cref="CallOutputs(KerasTensor[])"/>.</exception>
    public KerasTensor Call(KerasTensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return SingleOutput(CallOutputs(input));
    }

    /// <summary>Calls the layer on several symbolic tensors (a merge layer, a model with several inputs) and returns its one output.</summary>
    /// <exception cref="IncompatibleInputException">The shapes do not fit the layer.</exception>
    public KerasTensor Call(params KerasTensor[] inputs) => SingleOutput(CallOutputs(inputs));

    /// <summary>Calls the layer on symbolic tensors and returns every symbolic output (a model with several outputs).</summary>
    /// <exception cref="IncompatibleInputException">The shapes do not fit the layer.</exception>
    public IReadOnlyList<KerasTensor> CallOutputs(params KerasTensor[] inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Any(t => t is null)) throw new ArgumentNullException(nameof(inputs), $"Layer '{DisplayName}' was called on a null tensor.");
        if (inputs.Length > 0) Build(inputs.Select(t => t.Shape).ToArray());
        var shapes = SymbolicOutputShapes(inputs);
        var node = new Node(this, inputs, inboundNodes.Count);
        node.Outputs = shapes.Select((shape, i) => new KerasTensor(shape, SymbolicOutputType(inputs, i), node, i)).ToArray();
        inboundNodes.Add(node);
        return node.Outputs;
    }

    /// <summary>The shapes of a symbolic call's outputs; by default <see cref="ComputeOutputShapes"/>.</summary>
    private protected virtual IReadOnlyList<IReadOnlyList<long>> SymbolicOutputShapes(IReadOnlyList<KerasTensor> inputs) =>
        ComputeOutputShapes(inputs.Select(t => t.Shape).ToArray());

    /// <summary>The element type of a symbolic call's output: the first input's when it is floating point, else float32 (an Embedding of labels).</summary>
    private protected virtual torch.ScalarType SymbolicOutputType(IReadOnlyList<KerasTensor> inputs, int index) =>
        inputs.Count > 0 && torch.is_floating_point(torch.empty(0, inputs[0].DType)) ? inputs[0].DType : torch.ScalarType.Float32;

    private KerasTensor SingleOutput(IReadOnlyList<KerasTensor> outputs) => outputs.Count == 1 ? outputs[0]
        : throw new InvalidOperationException($"Layer '{DisplayName}' ({GetType().Name}) has {outputs.Count} outputs; call CallOutputs(...) to get them all.");

    /// <summary>Builds the layer for <paramref name="inputs"/>' per-example shapes on first use, or checks them afterwards.</summary>
    protected void EnsureBuiltFor(IReadOnlyList<torch.Tensor> inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Any(t => t is null)) throw new ArgumentNullException(nameof(inputs), $"Layer '{DisplayName}' received a null tensor.");
        if (inputs.Count > 0 && inputs.Any(t => t.dim() == 0 || t.shape[0] != inputs[0].shape[0]))
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' ({GetType().Name}) received inputs of shapes {string.Join(", ", inputs.Select(t => Shapes.Format(t.shape)))}; every input needs the same batch size as its first dimension.",
                new[] { inputs[0].dim() == 0 ? 0 : inputs[0].shape[0] }, inputs.Select(t => t.dim() == 0 ? 0 : t.shape[0]).ToArray());
        Build(inputs.Select(t => (IReadOnlyList<long>)t.shape.Skip(1).ToArray()).ToArray());
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

    /// <summary>Computes the per-example output shape of a layer with several inputs; by default the layer takes one.</summary>
    /// <param name="inputShapes">Each input's shape without the batch dimension.</param>
    /// <exception cref="IncompatibleInputException">The layer takes one input and received several.</exception>
    public virtual IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count == 1) return ComputeOutputShape(inputShapes[0]);
        throw new IncompatibleInputException(
            $"Layer '{DisplayName}' ({GetType().Name}) takes one input, but received {inputShapes.Count}: {FormatShapes(inputShapes)}. Join them first (Concatenate, Add).",
            new long[] { 1 }, new long[] { inputShapes.Count });
    }

    /// <summary>Computes the per-example shape of every output from the inputs' shapes; one output unless overridden.</summary>
    /// <param name="inputShapes">Each input's shape without the batch dimension.</param>
    public virtual IReadOnlyList<IReadOnlyList<long>> ComputeOutputShapes(IReadOnlyList<IReadOnlyList<long>> inputShapes) =>
        new[] { ComputeOutputShape(inputShapes) };

    /// <summary>TorchSharp entry point: same as <see cref="Call(torch.Tensor, bool)"/> with the module's training mode.</summary>
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

    /// <summary>Creates weights for several inputs; by default the one input's <see cref="BuildWeights(IReadOnlyList{long})"/>.</summary>
    protected virtual void BuildWeights(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count == 1) BuildWeights(inputShapes[0]);
    }

    /// <summary>Throws an <see cref="IncompatibleInputException"/> when the layer cannot accept <paramref name="inputShape"/>.</summary>
    protected virtual void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
    }

    /// <summary>Checks the inputs' shapes before building; by default the layer takes exactly one input.</summary>
    /// <exception cref="IncompatibleInputException">The layer cannot accept these shapes.</exception>
    protected virtual void ValidateInputShapes(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count != 1)
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' ({GetType().Name}) takes one input, but received {inputShapes.Count}: {FormatShapes(inputShapes)}. Join them first (Concatenate, Add) or call it on each.",
                new long[] { 1 }, new long[] { inputShapes.Count });
        ValidateInputShape(inputShapes[0]);
    }

    /// <summary>
    /// Adds the layer's inference computation to an ONNX graph, for a layer with one input and one output: override this
    /// (or <see cref="ExportOnnx(OnnxExportContext, IReadOnlyList{string})"/> for several) to make a custom layer exportable.
    /// Read weights with <see cref="OnnxExportContext.Weight"/>, add nodes with <see cref="OnnxExportContext.AddNode"/>.
    /// </summary>
    /// <param name="onnx">The graph being built, positioned on this layer.</param>
    /// <param name="input">The name of the input value.</param>
    /// <returns>The name of the output value. By default the layer is refused (it has no conversion).</returns>
    protected internal virtual string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        return onnx.Refuse(this, "has no ONNX conversion (a custom layer can override Layer.ExportOnnx)");
    }

    /// <summary>Adds the layer's inference computation to an ONNX graph; by default the one-input <see cref="ExportOnnx(OnnxExportContext, string)"/>.</summary>
    /// <param name="onnx">The graph being built, positioned on this layer.</param>
    /// <param name="inputs">The names of the input values.</param>
    /// <returns>The names of the output values.</returns>
    protected internal virtual IReadOnlyList<string> ExportOnnx(OnnxExportContext onnx, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Count != 1) return new[] { onnx.Refuse(this, $"takes one input but is called on {inputs.Count} in the graph") };
        return new[] { ExportOnnx(onnx, inputs[0]) };
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
        if (inputShapes!.Length != 1)
            throw new IncompatibleInputException($"Layer '{DisplayName}' ({GetType().Name}) takes {inputShapes.Length} inputs, but received one of shape {Shapes.Format(fullShape)}.", new long[] { inputShapes.Length }, new long[] { 1 });
        if (!Shapes.Equal(perExample, inputShapes[0])) throw CreateInputMismatch(inputShapes[0], fullShape);
    }

    private static string FormatShapes(IReadOnlyList<IReadOnlyList<long>> shapes) =>
        shapes.Count == 1 ? Shapes.FormatWithBatch(shapes[0]) : "(" + string.Join(", ", shapes.Select(Shapes.FormatWithBatch)) + ")";

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
