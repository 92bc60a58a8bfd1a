using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// A model defined as a graph of layer calls, as Keras's functional API (<c>keras.Model(inputs, outputs)</c>): start from
/// <see cref="Keras.Input"/>, call layers on the symbolic tensors (<see cref="Layer.Call(KerasTensor)"/>), then make the
/// model from the inputs and the outputs. Several inputs and outputs, merges (<see cref="Add"/>,
/// <see cref="Concatenate"/>), shared layers (one layer called twice: one set of weights) and nested models (a model
/// called as a layer) are all graphs.
/// </summary>
/// <example><code>
/// var noise = Keras.Input([100], name: "latent");
/// var label = Keras.Input([1], torch.int64, name: "labels");
/// var embedded = new Flatten().Call(new Embedding(10, 100).Call(label));
/// var joined = new Multiply().Call(noise, embedded);
/// var image = new Dense(784, "tanh").Call(new Dense(256, "relu").Call(joined));
/// var generator = new Functional([noise, label], image, name: "generator");
/// </code></example>
/// <remarks>
/// Layers are built when they are called on symbolic tensors, so the model's weights exist once it is made. Unnamed layers
/// are named by the model after their type and order (<c>dense_0</c>, <c>dense_1</c>), as in <see cref="Sequential"/>;
/// weights are saved under those names (<c>generator.dense_0.kernel</c>). Shapes are checked when the graph is built.
/// </remarks>
public class Functional : Model
{
    private static readonly string[] NoConnection = { "-" };
    private readonly KerasTensor[] inputs;
    private readonly KerasTensor[] outputs;
    private readonly Node[] nodes;
    // How many layer calls read each tensor: fixed by the graph, so counted once, not at every call.
    private readonly Dictionary<KerasTensor, int> readers = new();

    /// <summary>Initializes a new instance of the <see cref="Functional"/> class with one input and one output.</summary>
    public Functional(KerasTensor input, KerasTensor output, string? name = null)
        : this(new[] { input ?? throw new ArgumentNullException(nameof(input)) }, new[] { output ?? throw new ArgumentNullException(nameof(output)) }, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Functional"/> class with several inputs and one output.</summary>
    public Functional(IReadOnlyList<KerasTensor> inputs, KerasTensor output, string? name = null)
        : this(inputs, new[] { output ?? throw new ArgumentNullException(nameof(output)) }, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Functional"/> class with one input and several outputs (a discriminator with a class head).</summary>
    public Functional(KerasTensor input, IReadOnlyList<KerasTensor> outputs, string? name = null)
        : this(new[] { input ?? throw new ArgumentNullException(nameof(input)) }, outputs, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Functional"/> class from its inputs and outputs.</summary>
    /// <param name="inputs">The model's inputs, each made by <see cref="Keras.Input"/>, in the order the model is called with.</param>
    /// <param name="outputs">The model's outputs, symbolic tensors computed from the inputs.</param>
    /// <param name="name">The model's name (<c>generator</c>, <c>discriminator</c>).</param>
    /// <exception cref="ArgumentException">An input is not a <see cref="Keras.Input"/>, an output cannot be computed from the inputs, or two layers share a name.</exception>
    public Functional(IReadOnlyList<KerasTensor> inputs, IReadOnlyList<KerasTensor> outputs, string? name = null) : base(name ?? "functional")
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(outputs);
        if (inputs.Count == 0 || inputs.Any(t => t is null)) throw new ArgumentException("A functional model needs at least one input, and no null input.", nameof(inputs));
        if (outputs.Count == 0 || outputs.Any(t => t is null)) throw new ArgumentException("A functional model needs at least one output, and no null output.", nameof(outputs));
        foreach (var input in inputs)
            if (input.Layer is not InputLayer)
                throw new ArgumentException($"Model '{Name}': every input must come from Keras.Input, but {input.Reference} is the output of layer '{input.Layer.DisplayName}' ({input.Layer.GetType().Name}).", nameof(inputs));
        if (inputs.Distinct().Count() != inputs.Count) throw new ArgumentException($"Model '{Name}' lists the same input twice.", nameof(inputs));
        this.inputs = inputs.ToArray();
        this.outputs = outputs.ToArray();
        nodes = SortNodes(this.inputs, this.outputs, Name);
        foreach (var node in nodes)
            foreach (var t in node.Inputs.Distinct()) readers[t] = readers.GetValueOrDefault(t) + 1;
        RegisterLayers();
        Build(this.inputs.Select(t => t.Shape).ToArray());
    }

    /// <summary>Gets the symbolic inputs, in call order.</summary>
    public IReadOnlyList<KerasTensor> Inputs => inputs;

    /// <summary>Gets the symbolic outputs, in the order <see cref="CallOutputs(IReadOnlyList{torch.Tensor}, bool)"/> returns them.</summary>
    public IReadOnlyList<KerasTensor> Outputs => outputs;

    /// <summary>Gets the layer calls of the graph in the order they run (inputs first).</summary>
    public IReadOnlyList<Node> Nodes => nodes;

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => ComputeOutputShape(new[] { inputShape });

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<IReadOnlyList<long>> inputShapes) => SingleOutput(ComputeOutputShapes(inputShapes));

    /// <inheritdoc />
    public override IReadOnlyList<IReadOnlyList<long>> ComputeOutputShapes(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ValidateInputShapes(inputShapes);
        return outputs.Select(t => t.Shape).ToArray();
    }

    /// <inheritdoc />
    public override torch.Tensor Call(torch.Tensor inputs, bool training = false) => SingleOutput(CallOutputs(new[] { inputs }, training));

    /// <inheritdoc />
    public override torch.Tensor Call(IReadOnlyList<torch.Tensor> inputs, bool training = false) => SingleOutput(CallOutputs(inputs, training));

    /// <summary>Runs the graph on a batch of each input and returns every output.</summary>
    /// <exception cref="IncompatibleInputException">Wrong number of inputs, or an input's shape differs from its <see cref="Keras.Input"/>.</exception>
    public override IReadOnlyList<torch.Tensor> CallOutputs(IReadOnlyList<torch.Tensor> inputs, bool training = false)
    {
        EnsureBuiltFor(inputs);
        var values = new Dictionary<KerasTensor, torch.Tensor>();
        var uses = new Dictionary<KerasTensor, int>(readers);
        for (int i = 0; i < this.inputs.Length; i++) values[this.inputs[i]] = inputs[i];
        foreach (var node in nodes.Where(n => n.Layer is not InputLayer))
        {
            var args = node.Inputs.Select(t => values[t]).ToArray();
            var results = node.Layer.CallOutputs(args, training);
            for (int i = 0; i < results.Count; i++) values[node.Outputs[i]] = results[i];
            // Intermediate handles can go after their last use: autograd keeps what backward needs.
            foreach (var t in node.Inputs.Distinct())
                if (--uses[t] == 0 && !IsInputOrOutput(t)) values[t].Dispose();
            foreach (var t in node.Outputs)
                if (!uses.ContainsKey(t) && !IsInputOrOutput(t)) values[t].Dispose();
        }
        var seen = new HashSet<torch.Tensor>(ReferenceEqualityComparer.Instance);
        // A method returns new tensors: an output that is a model input, or repeated, is returned as an alias.
        return outputs.Select(t => values[t]).Select(v => inputs.Contains(v) || !seen.Add(v) ? v.alias() : MixedPrecisionOutput(v)).ToArray();
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new FunctionalConfig(
        Layers.Select(l => new FunctionalLayerConfig(l.GetConfig(), l.InboundNodes.Where(nodes.Contains).Select(n => n.Inputs.Select(Reference).ToArray()).ToArray())).ToArray(),
        inputs.Select(Reference).ToArray(), outputs.Select(Reference).ToArray(), Name);

    /// <inheritdoc />
    protected internal override IReadOnlyList<string> ExportOnnx(OnnxExportContext onnx, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(inputs);
        var names = new Dictionary<KerasTensor, string>();
        for (int i = 0; i < this.inputs.Length; i++) names[this.inputs[i]] = inputs[i];
        foreach (var node in nodes.Where(n => n.Layer is not InputLayer))
        {
            var results = onnx.Export(node.Layer, node.Inputs.Select(t => names[t]).ToArray());
            for (int i = 0; i < node.Outputs.Count; i++) names[node.Outputs[i]] = i < results.Count ? results[i] : onnx.Refuse(node.Layer, "gave fewer ONNX outputs than it has outputs");
        }
        return outputs.Select(t => names[t]).ToArray();
    }

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => SingleOutput(ExportOnnx(onnx, new[] { input }));

    /// <inheritdoc />
    protected override void ValidateInputShapes(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        if (inputShapes.Count != inputs.Length)
            throw new IncompatibleInputException(
                $"Model '{Name}' takes {inputs.Length} input{(inputs.Length == 1 ? string.Empty : "s")} ({string.Join(", ", inputs.Select(t => $"'{t.Layer.DisplayName}' {Shapes.FormatWithBatch(t.Shape)}"))}), but received {inputShapes.Count}.",
                new long[] { inputs.Length }, new long[] { inputShapes.Count });
        for (int i = 0; i < inputs.Length; i++)
            if (!Shapes.Equal(inputShapes[i], inputs[i].Shape))
                throw new IncompatibleInputException(
                    $"Model '{Name}' input '{inputs[i].Layer.DisplayName}' expects shape {Shapes.FormatWithBatch(inputs[i].Shape)}, but received {Shapes.FormatWithBatch(inputShapes[i])}.",
                    inputs[i].Shape, inputShapes[i]);
    }

    /// <inheritdoc />
    /// <remarks>Nothing to create: the layers were built when they were called on the symbolic inputs.</remarks>
    protected override void BuildWeights(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
    }

    /// <inheritdoc />
    private protected override IReadOnlyList<SummaryRow> SummaryRows()
    {
        var rows = new List<SummaryRow>();
        foreach (var layer in Layers)
        {
            var layerNodes = layer.InboundNodes.Where(nodes.Contains).ToArray();
            var shapes = layerNodes.SelectMany(n => n.Outputs.Select(t => Shapes.FormatWithBatch(t.Shape))).Distinct().ToArray();
            var connected = layerNodes.SelectMany(n => n.Inputs.Select(Reference)).ToArray();
            rows.Add(new SummaryRow($"{layer.Name} ({layer.GetType().Name})", shapes.Length == 1 ? shapes[0] : $"[{string.Join(", ", shapes)}]",
                layer.CountParams(), connected.Length == 0 ? NoConnection : connected));
        }
        return rows;
    }

    private bool IsInputOrOutput(KerasTensor t) => inputs.Contains(t) || outputs.Contains(t);

    private T SingleOutput<T>(IReadOnlyList<T> results) => results.Count == 1 ? results[0]
        : throw new InvalidOperationException($"Model '{Name}' has {results.Count} outputs; call CallOutputs(...) to get them all.");

    /// <summary>A tensor's reference within this model, <c>layer[node][index]</c>, with the node counted among this model's calls of the layer (Keras's relative node index).</summary>
    private string Reference(KerasTensor t) =>
        $"{t.Layer.Name}[{t.Layer.InboundNodes.Where(nodes.Contains).ToList().IndexOf(t.Node)}][{t.Index}]";

    private void RegisterLayers()
    {
        var layers = inputs.Select(t => t.Layer).Concat(nodes.Select(n => n.Layer)).Distinct().ToArray();
        var typeCounts = new Dictionary<string, int>();
        foreach (var layer in layers)
        {
            string prefix = Shapes.SnakeCase(layer.GetType().Name);
            typeCounts.TryGetValue(prefix, out int count);
            typeCounts[prefix] = count + 1;
            if (layer.Name.Length == 0) layer.AssignName($"{prefix}_{count}");
        }
        foreach (var group in layers.GroupBy(l => l.Name).Where(g => g.Count() > 1))
            throw new ArgumentException($"Model '{Name}' has {group.Count()} layers named '{group.Key}'. Give each layer a unique name.");
        foreach (var layer in layers) register_module(layer.Name, layer);
    }

    /// <summary>The calls that compute <paramref name="outputs"/> from <paramref name="inputs"/>, each after the calls it needs (Keras's <c>_map_graph_network</c>).</summary>
    private static Node[] SortNodes(KerasTensor[] inputs, KerasTensor[] outputs, string modelName)
    {
        var order = new List<Node>();
        var done = new HashSet<Node>();
        var visiting = new HashSet<Node>();
        foreach (var input in inputs) Visit(input.Node, input);
        foreach (var output in outputs) Visit(output.Node, output);
        return order.ToArray();

        void Visit(Node node, KerasTensor wanted)
        {
            if (done.Contains(node)) return;
            if (node.Layer is InputLayer && !inputs.Contains(node.Outputs[0]))
                throw new ArgumentException(
                    $"Graph disconnected: model '{modelName}' cannot compute {wanted.Reference}, which needs input '{node.Layer.DisplayName}' {Shapes.FormatWithBatch(node.Outputs[0].Shape)}; add it to the model's inputs.");
            if (!visiting.Add(node)) throw new ArgumentException($"Model '{modelName}' has a cycle through layer '{node.Layer.DisplayName}'.");
            foreach (var t in node.Inputs) Visit(t.Node, t);
            visiting.Remove(node);
            done.Add(node);
            order.Add(node);
        }
    }
}

/// <summary>One layer of a <see cref="FunctionalConfig"/>: its configuration and, per call in the graph, the tensors it was called on (<c>layer[node][index]</c>).</summary>
/// <param name="Layer">The layer's configuration.</param>
/// <param name="InboundNodes">Per call, the references of its inputs.</param>
public sealed record FunctionalLayerConfig(LayerConfig Layer, IReadOnlyList<IReadOnlyList<string>> InboundNodes)
{
    /// <inheritdoc />
    public bool Equals(FunctionalLayerConfig? other) =>
        other is not null && Layer.Equals(other.Layer) && InboundNodes.Count == other.InboundNodes.Count &&
        InboundNodes.Zip(other.InboundNodes).All(p => p.First.SequenceEqual(p.Second));

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Layer, InboundNodes.Count);
}

/// <summary>Configuration of a <see cref="Functional"/> model: its layers with their calls, and its inputs and outputs (Keras's functional config).</summary>
/// <param name="Layers">Each layer's configuration and calls, in registration order.</param>
/// <param name="InputLayers">References of the model's inputs.</param>
/// <param name="OutputLayers">References of the model's outputs.</param>
/// <param name="Name">The model's name.</param>
public sealed record FunctionalConfig(IReadOnlyList<FunctionalLayerConfig> Layers, IReadOnlyList<string> InputLayers, IReadOnlyList<string> OutputLayers, string? Name) : LayerConfig(Name)
{
    /// <summary>Rebuilds the graph: new layers from their configurations, called in the recorded order.</summary>
    /// <exception cref="InvalidDataException">A call refers to a tensor that no call computes.</exception>
    public override Layer CreateLayer()
    {
        var created = Layers.Select(l => (Config: l, Layer: l.Layer.CreateLayer())).ToArray();
        var tensors = new Dictionary<string, KerasTensor>(StringComparer.Ordinal);
        var calls = created.ToDictionary(c => c.Layer, _ => 0);
        foreach (var (_, layer) in created.Where(c => c.Layer is InputLayer))
            tensors[$"{layer.Name}[0][0]"] = ((InputLayer)layer).Output;
        // A layer's calls are replayed in their recorded order; each waits until the tensors it needs are computed.
        int remaining = created.Sum(c => c.Config.InboundNodes.Count);
        while (remaining > 0)
        {
            var next = created.FirstOrDefault(c => calls[c.Layer] < c.Config.InboundNodes.Count && c.Config.InboundNodes[calls[c.Layer]].All(tensors.ContainsKey));
            if (next.Layer is null)
                throw new InvalidDataException($"Functional config '{Name}': layer calls refer to tensors that no call computes ({string.Join(", ", created.Where(c => calls[c.Layer] < c.Config.InboundNodes.Count).Select(c => c.Layer.Name))}).");
            int call = calls[next.Layer]++;
            var outputs = next.Layer.CallOutputs(next.Config.InboundNodes[call].Select(r => tensors[r]).ToArray());
            for (int i = 0; i < outputs.Count; i++) tensors[$"{next.Layer.Name}[{call}][{i}]"] = outputs[i];
            remaining--;
        }
        KerasTensor Find(string reference) => tensors.TryGetValue(reference, out var t) ? t
            : throw new InvalidDataException($"Functional config '{Name}' names {reference} as an input or output, but no layer call computes it.");
        return new Functional(InputLayers.Select(Find).ToArray(), OutputLayers.Select(Find).ToArray(), Name);
    }

    /// <inheritdoc />
    public bool Equals(FunctionalConfig? other) =>
        other is not null && Name == other.Name && Layers.SequenceEqual(other.Layers) && InputLayers.SequenceEqual(other.InputLayers) && OutputLayers.SequenceEqual(other.OutputLayers);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Layers.Count);
}
