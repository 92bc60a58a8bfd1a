using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Multiplies its inputs element-wise, as Keras's <c>Multiply</c> (e.g. a latent vector by a label embedding).</summary>
public sealed class Multiply : MergeLayer
{
    /// <summary>Initializes a new instance of the <see cref="Multiply"/> class.</summary>
    /// <param name="name">Layer name.</param>
    public Multiply(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new MultiplyConfig(ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs)
    {
        var result = inputs[0].alias();
        foreach (var x in inputs.Skip(1)) result = result * x;
        return result;
    }

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) =>
        inputs.Skip(1).Aggregate(inputs[0], (product, x) => onnx.AddNode("Mul", [product, x]));
}

/// <summary>Configuration of a <see cref="Multiply"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record MultiplyConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Multiply(Name);
}
