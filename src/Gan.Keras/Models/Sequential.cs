using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>A plain stack of layers, each feeding the next, as Keras's <c>Sequential</c>.</summary>
/// <example>
/// <code>
/// var generator = new Sequential(new Layer[]
/// {
///     new Dense(128, "relu"), new Dense(784, "tanh"),
/// }, inputShape: new long[] { 100 }, name: "generator");
/// </code>
/// </example>
public sealed class Sequential : Model
{
    private readonly List<Layer> layers = new();
    private readonly Dictionary<string, int> typeCounts = new();

    /// <summary>Initializes a new instance of the <see cref="Sequential"/> class.</summary>
    /// <param name="layers">The layers, in order.</param>
    /// <param name="inputShape">Per-example input shape (Keras's <c>keras.Input(shape=...)</c>); when given, the model is built at once.</param>
    /// <param name="name">The model's name.</param>
    public Sequential(IEnumerable<Layer>? layers = null, long[]? inputShape = null, string? name = null) : base(name ?? "sequential")
    {
        foreach (var layer in layers ?? Array.Empty<Layer>()) Add(layer);
        if (inputShape is not null) Build(inputShape);
    }

    /// <summary>Appends a layer. Unnamed layers are named after their type and position (<c>dense_0</c>, <c>dense_1</c>).</summary>
    /// <exception cref="ArgumentException">Another layer already has the same name.</exception>
    public void Add(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        if (Built)
            throw new InvalidOperationException($"Model '{Name}' is already built; add layers before building it or running it on data.");
        string prefix = Shapes.SnakeCase(layer.GetType().Name);
        typeCounts.TryGetValue(prefix, out int count);
        typeCounts[prefix] = count + 1;
        if (layer.Name.Length == 0) layer.AssignName($"{prefix}_{count}");
        if (layers.Any(l => l.Name == layer.Name))
            throw new ArgumentException($"Model '{Name}' already has a layer named '{layer.Name}'. Give each layer a unique name.", nameof(layer));
        if (layers.Contains(layer))
            throw new ArgumentException($"Layer '{layer.Name}' is already in model '{Name}'.", nameof(layer));
        register_module(layer.Name, layer);
        layers.Add(layer);
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        IReadOnlyList<long> shape = inputShape;
        foreach (var layer in layers) shape = layer.ComputeOutputShape(shape);
        return shape;
    }

    /// <inheritdoc />
    public override torch.Tensor Call(torch.Tensor inputs, bool training = false)
    {
        EnsureBuiltFor(inputs);
        var x = inputs;
        foreach (var layer in layers)
        {
            var next = layer.Call(x, training);
            // Intermediate handles can go at once: autograd keeps what backward needs.
            if (!ReferenceEquals(x, inputs) && !ReferenceEquals(next, x)) x.Dispose();
            x = next;
        }
        if (ReferenceEquals(x, inputs)) return inputs.alias();
        return MixedPrecisionOutput(x);
    }

    /// <inheritdoc />
    /// <remarks>A Sequential is a graph with one chain: its layers are called on a symbolic input, which builds each and checks its shape.</remarks>
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        var x = new InputLayer(inputShape).Output;
        foreach (var layer in layers) x = layer.Call(x);
    }

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var x = input;
        foreach (var layer in layers) x = onnx.Export(layer, x);
        return x;
    }
}
