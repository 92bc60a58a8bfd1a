using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// The largest value of each channel over all pixels, as Keras's <c>GlobalMaxPooling2D</c>: <c>[batch, c, h, w]</c> →
/// <c>[batch, c]</c>, or <c>[batch, c, 1, 1]</c> with <c>keepDims</c>.
/// </summary>
public sealed class GlobalMaxPooling2D : Layer
{
    /// <summary>Initializes a new instance of the <see cref="GlobalMaxPooling2D"/> class.</summary>
    /// <param name="keepDims">Whether to keep the spatial axes with size 1 (Keras's <c>keepdims</c>, false by default).</param>
    /// <param name="name">Layer name.</param>
    public GlobalMaxPooling2D(bool keepDims = false, string? name = null) : base(name) => KeepDims = keepDims;

    /// <summary>Gets a value indicating whether the spatial axes are kept with size 1.</summary>
    public bool KeepDims { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ImageInputs.Require(this, inputShape);
        return KeepDims ? new[] { inputShape[0], 1L, 1L } : new[] { inputShape[0] };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new GlobalMaxPooling2DConfig(KeepDims, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        string pooled = onnx.AddNode("GlobalMaxPool", [input]);
        return KeepDims ? pooled : onnx.AddNode("Flatten", [pooled], OnnxAttribute.Int("axis", 1));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape) => ImageInputs.Require(this, inputShape);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.amax(new long[] { 2, 3 }, keepdim: KeepDims);
}

/// <summary>Configuration of a <see cref="GlobalMaxPooling2D"/> layer.</summary>
/// <param name="KeepDims">Whether the spatial axes are kept with size 1.</param>
/// <param name="Name">Layer name.</param>
public sealed record GlobalMaxPooling2DConfig(bool KeepDims, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new GlobalMaxPooling2D(KeepDims, Name);
}
