using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Multiplies by <c>scale</c> and adds <c>offset</c>, as Keras's <c>Rescaling</c>: <c>y = x·scale + offset</c>.
/// <c>new Rescaling(1 / 127.5, -1)</c> maps pixels 0–255 to [−1, 1]; <c>new Rescaling(2, -1)</c> maps a sigmoid
/// generator's [0, 1] to the [−1, 1] that sample grids and the sample server expect.
/// </summary>
public sealed class Rescaling : Layer
{
    /// <summary>Initializes a new instance of the <see cref="Rescaling"/> class.</summary>
    /// <param name="scale">The factor; finite.</param>
    /// <param name="offset">The value added after scaling; finite; 0 by default.</param>
    /// <param name="name">Layer name.</param>
    public Rescaling(double scale, double offset = 0.0, string? name = null) : base(name)
    {
        if (!double.IsFinite(scale)) throw new ArgumentOutOfRangeException(nameof(scale), scale, "scale must be a finite number.");
        if (!double.IsFinite(offset)) throw new ArgumentOutOfRangeException(nameof(offset), offset, "offset must be a finite number.");
        Scale = scale;
        Offset = offset;
    }

    /// <summary>Gets the factor.</summary>
    public double Scale { get; }

    /// <summary>Gets the offset added after scaling.</summary>
    public double Offset { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new RescalingConfig(Scale, Offset, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        string scaled = onnx.AddNode("Mul", [input, onnx.AddFloats("scale", Array.Empty<long>(), new[] { (float)Scale })]);
        return Offset == 0 ? scaled : onnx.AddNode("Add", [scaled, onnx.AddFloats("offset", Array.Empty<long>(), new[] { (float)Offset })]);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        var scaled = inputs * Scale;
        return Offset == 0 ? scaled : scaled.add_(Offset);
    }
}

/// <summary>Configuration of a <see cref="Rescaling"/> layer.</summary>
/// <param name="Scale">The factor.</param>
/// <param name="Offset">The offset.</param>
/// <param name="Name">Layer name.</param>
public sealed record RescalingConfig(double Scale, double Offset, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Rescaling(Scale, Offset, Name);
}
