using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Takes the element-wise minimum of its inputs, as Keras's <c>Minimum</c>.</summary>
public sealed class Minimum : MergeLayer
{
    /// <summary>Initializes a new instance of the <see cref="Minimum"/> class.</summary>
    /// <param name="name">Layer name.</param>
    public Minimum(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new MinimumConfig(ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs)
    {
        var result = inputs[0].alias();
        foreach (var x in inputs.Skip(1)) result = torch.minimum(result, x);
        return result;
    }

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) => onnx.AddNode("Min", inputs);
}

/// <summary>Configuration of a <see cref="Minimum"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record MinimumConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Minimum(Name);
}
