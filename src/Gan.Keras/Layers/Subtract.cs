using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Subtracts its second input from its first, element-wise, as Keras's <c>Subtract</c>.</summary>
public sealed class Subtract : MergeLayer
{
    /// <summary>Initializes a new instance of the <see cref="Subtract"/> class.</summary>
    /// <param name="name">Layer name.</param>
    public Subtract(string? name = null) : base(name) { }

    /// <inheritdoc />
    protected override int MaxInputs => 2;

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new SubtractConfig(ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs)
    {
        return inputs[0] - inputs[1];
    }

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) => onnx.AddNode("Sub", inputs);
}

/// <summary>Configuration of a <see cref="Subtract"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record SubtractConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Subtract(Name);
}
