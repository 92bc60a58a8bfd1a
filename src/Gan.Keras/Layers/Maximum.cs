using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Takes the element-wise maximum of its inputs, as Keras's <c>Maximum</c>.</summary>
public sealed class Maximum : MergeLayer
{
    /// <summary>Initializes a new instance of the <see cref="Maximum"/> class.</summary>
    /// <param name="name">Layer name.</param>
    public Maximum(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new MaximumConfig(ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs)
    {
        var result = inputs[0].alias();
        foreach (var x in inputs.Skip(1)) result = torch.maximum(result, x);
        return result;
    }

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) => onnx.AddNode("Max", inputs);
}

/// <summary>Configuration of a <see cref="Maximum"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record MaximumConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Maximum(Name);
}
