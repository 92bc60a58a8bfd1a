using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Rectified linear unit, <c>max(x, 0)</c>, as Keras's <c>ReLU</c> layer.</summary>
public sealed class ReLU : Layer
{
    /// <summary>Initializes a new instance of the <see cref="ReLU"/> class.</summary>
    public ReLU(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ReLUConfig(ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => onnx.AddNode("Relu", [input]);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => torch.nn.functional.relu(inputs);
}

/// <summary>Configuration of a <see cref="ReLU"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record ReLUConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new ReLU(Name);
}
