using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Adds its inputs element-wise, as Keras's <c>Add</c> (the join of a residual block: <c>new Add().Call(x, shortcut)</c>).</summary>
public sealed class Add : MergeLayer
{
    /// <summary>Initializes a new instance of the <see cref="Add"/> class.</summary>
    /// <param name="name">Layer name.</param>
    public Add(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new AddConfig(ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs)
    {
        var result = inputs[0].alias();
        foreach (var x in inputs.Skip(1)) result = result + x;
        return result;
    }

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) => onnx.AddNode("Sum", inputs);
}

/// <summary>Configuration of a <see cref="Add"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record AddConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Add(Name);
}
