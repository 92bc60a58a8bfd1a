using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Export.Onnx;

/// <summary>
/// The ONNX graph being built, positioned on one layer: what a layer's <see cref="Layer.ExportOnnx(OnnxExportContext, string)"/>
/// uses to read its weights and add its nodes. Models and wrappers export their sublayers through <see cref="Export(Layer, IReadOnlyList{string}, IReadOnlyDictionary{string, torch.Tensor}?)"/>.
/// </summary>
/// <remarks>
/// Weights are read by state-dict name from one dictionary (the model's live weights, or the generator's moving average),
/// never from cached parameter objects. A layer that cannot be exported calls <see cref="Refuse"/>: the walk goes on, so
/// that the exporter names every such layer at once, and nothing is written.
/// </remarks>
public sealed class OnnxExportContext
{
    private readonly OnnxGraphBuilder graph;
    private readonly IReadOnlyDictionary<string, torch.Tensor> weights;
    private readonly List<(Layer Layer, string Reason)> refusals = new();
    private Layer? layer;
    private string stem = "graph";
    private string prefix = string.Empty;
    private IReadOnlyDictionary<string, torch.Tensor>? overrides;

    internal OnnxExportContext(OnnxGraphBuilder graph, IReadOnlyDictionary<string, torch.Tensor> weights)
    {
        this.graph = graph;
        this.weights = weights;
    }

    /// <summary>Gets the layer being exported.</summary>
    public Layer Layer => layer ?? throw new InvalidOperationException("No layer is being exported.");

    /// <summary>Gets the layers refused so far, with the reasons.</summary>
    internal IReadOnlyList<(Layer Layer, string Reason)> Refusals => refusals;

    /// <summary>Adds a node whose name and output are prefixed by the layer's name, and returns the name of its one output.</summary>
    /// <param name="opType">The ONNX operator (<c>Gemm</c>, <c>Conv</c>, ...), default domain, opset <see cref="OnnxExporter.Opset"/>.</param>
    /// <param name="inputs">Input value names; an empty string skips an optional input.</param>
    /// <param name="attributes">The node's attributes.</param>
    public string AddNode(string opType, IEnumerable<string> inputs, params OnnxAttribute[] attributes)
    {
        ArgumentException.ThrowIfNullOrEmpty(opType);
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(attributes);
        return graph.AddNode(opType, stem, inputs, attributes.Select(a => a.Proto).ToArray());
    }

    /// <summary>Gets the value the graph stores for one of the layer's weights (<c>kernel</c>, <c>moving_mean</c>).</summary>
    /// <exception cref="InvalidOperationException">The layer has no such weight (it is not built).</exception>
    public torch.Tensor Weight(string name) => TryGetWeight(name)
        ?? throw new InvalidOperationException($"Layer '{Layer.DisplayName}' ({Layer.GetType().Name}) has no weight '{prefix}{name}'; build the model before exporting it.");

    /// <summary>Gets one of the layer's weights, or null when it has none by that name (a layer without bias).</summary>
    public torch.Tensor? TryGetWeight(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        if (overrides is not null && overrides.TryGetValue(name, out var replaced)) return replaced;
        return weights.TryGetValue(prefix + name, out var tensor) ? tensor : null;
    }

    /// <summary>Adds one of the layer's weights as a float32 initializer and returns its name.</summary>
    public string AddWeight(string name) => AddConstant(name, Weight(name));

    /// <summary>Adds one of the layer's weights as an initializer when the layer has it (a bias), and returns its name or null.</summary>
    public string? AddWeightIfPresent(string name) => TryGetWeight(name) is { } tensor ? AddConstant(name, tensor) : null;

    /// <summary>Adds a tensor as a float32 initializer named after the layer (<c>dense_0.kernel</c>) and returns its name.</summary>
    public string AddConstant(string name, torch.Tensor value) => graph.AddWeight($"{stem}.{name}", value);

    /// <summary>Adds a float32 constant named after the layer and returns its name.</summary>
    public string AddFloats(string name, long[] shape, float[] values) => graph.AddFloats($"{stem}.{name}", shape, values);

    /// <summary>Adds an int64 constant (shapes, axes, pads) named after the layer and returns its name.</summary>
    public string AddInt64s(string name, long[] shape, long[] values) => graph.AddInt64s($"{stem}.{name}", shape, values);

    /// <summary>Adds a Keras activation by name (nothing for <c>linear</c>); see <see cref="Activations"/>.</summary>
    public string Activate(string activation, string input) => Activations.ExportOnnx(activation, this, input);

    /// <summary>Exports a sublayer (a model's layer, a wrapper's inner layer) under its state-dict name, and returns its outputs.</summary>
    /// <param name="sublayer">A direct sublayer of the layer being exported.</param>
    /// <param name="inputs">The names of its input values.</param>
    /// <param name="weightOverrides">Weights to use instead of the stored ones, by the sublayer's own names (a normalised kernel).</param>
    public IReadOnlyList<string> Export(Layer sublayer, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, torch.Tensor>? weightOverrides = null)
    {
        ArgumentNullException.ThrowIfNull(sublayer);
        ArgumentNullException.ThrowIfNull(inputs);
        string childName = Layer.named_children().FirstOrDefault(c => ReferenceEquals(c.module, sublayer)).name
            ?? throw new InvalidOperationException($"Layer '{sublayer.DisplayName}' is not a sublayer of '{Layer.DisplayName}'.");
        return ExportAt(sublayer, prefix + childName + ".", inputs, weightOverrides);
    }

    /// <summary>Exports a one-input, one-output sublayer; see <see cref="Export(Layer, IReadOnlyList{string}, IReadOnlyDictionary{string, torch.Tensor}?)"/>.</summary>
    public string Export(Layer sublayer, string input, IReadOnlyDictionary<string, torch.Tensor>? weightOverrides = null)
    {
        var outputs = Export(sublayer, new[] { input }, weightOverrides);
        return outputs.Count == 1 ? outputs[0] : Refuse(sublayer, $"has {outputs.Count} outputs where one is used");
    }

    /// <summary>Records that <paramref name="refused"/> cannot be exported and returns a placeholder name, so the walk can go on and name every such layer.</summary>
    /// <param name="refused">The layer.</param>
    /// <param name="reason">Why, completing "Layer 'x' (Type) ..." (e.g. "has no ONNX conversion").</param>
    public string Refuse(Layer refused, string reason)
    {
        ArgumentNullException.ThrowIfNull(refused);
        if (!refusals.Any(r => ReferenceEquals(r.Layer, refused))) refusals.Add((refused, reason));
        return graph.UniqueName($"{refused.DisplayName}/refused");
    }

    /// <summary>Exports the root model (state-dict prefix empty).</summary>
    internal IReadOnlyList<string> ExportRoot(Layer root, IReadOnlyList<string> inputs) => ExportAt(root, string.Empty, inputs, null);

    /// <summary>Names the nodes added outside any layer (a GAN's input preprocessing) after <paramref name="nodeStem"/>.</summary>
    internal void SetRootStem(string nodeStem) => stem = nodeStem;

    private IReadOnlyList<string> ExportAt(Layer target, string targetPrefix, IReadOnlyList<string> inputs, IReadOnlyDictionary<string, torch.Tensor>? targetOverrides)
    {
        var saved = (layer, stem, prefix, overrides);
        (layer, stem, prefix, overrides) = (target, target.DisplayName, targetPrefix, targetOverrides);
        try { return target.ExportOnnx(this, inputs); }
        finally { (layer, stem, prefix, overrides) = saved; }
    }
}
