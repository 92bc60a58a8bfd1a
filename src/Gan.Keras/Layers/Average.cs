using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Averages its inputs element-wise, as Keras's <c>Average</c>.</summary>
public sealed class Average : MergeLayer
{
    /// <summary>Initializes a new instance of the <see cref="Average"/> class.</summary>
    /// <param name="name">Layer name.</param>
    public Average(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new AverageConfig(ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs)
    {
        var result = inputs[0].alias();
        foreach (var x in inputs.Skip(1)) result = result + x;
        return result / inputs.Count;
    }

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) => onnx.AddNode("Mean", inputs);
}

/// <summary>Configuration of a <see cref="Average"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record AverageConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Average(Name);
}
