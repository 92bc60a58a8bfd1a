using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Flattens each example to one dimension: <c>[batch, d1, d2, ...]</c> → <c>[batch, d1·d2·...]</c>.</summary>
public sealed class Flatten : Layer
{
    /// <summary>Initializes a new instance of the <see cref="Flatten"/> class.</summary>
    public Flatten(string? name = null) : base(name) { }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => new[] { Shapes.Product(inputShape) };

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new FlattenConfig(ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => onnx.AddNode("Flatten", [input], OnnxAttribute.Int("axis", 1));

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.reshape(inputs.shape[0], -1);
}

/// <summary>Configuration of a <see cref="Flatten"/> layer.</summary>
/// <param name="Name">Layer name.</param>
public sealed record FlattenConfig(string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Flatten(Name);
}
