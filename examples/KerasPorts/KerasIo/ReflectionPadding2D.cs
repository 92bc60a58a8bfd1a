// The custom layer of keras-io examples/generative/cyclegan.py (A_K_Nain, Apache-2.0), ported as a user-defined Layer:
// the library has no reflection padding, and the original defines this one itself.
using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasIo;

/// <summary>
/// Implements Reflection Padding as a layer (the original's <c>ReflectionPadding2D(layers.Layer)</c>): pads the height
/// and width of NCHW images by mirroring the rows and columns next to the border, without repeating it
/// (<c>tf.pad(..., mode="REFLECT")</c>: <c>c b | a b c d | c b</c>).
/// </summary>
/// <remarks>
/// A user-defined layer as any other: the constructor checks its argument, <see cref="ComputeOutputShape"/> works on
/// shapes, <see cref="GetConfig"/> returns its own record, <see cref="CallCore"/> computes, and
/// <see cref="ExportOnnx(OnnxExportContext, string)"/> writes an ONNX <c>Pad</c> in <c>reflect</c> mode, so a generator
/// built with it exports.
/// </remarks>
internal sealed class ReflectionPadding2D : Layer
{
    /// <summary>Initializes a new instance of the <see cref="ReflectionPadding2D"/> class.</summary>
    /// <param name="padding">The original's <c>padding=(1, 1)</c>: (width, height), columns added left and right and rows added above and below; each non-negative.</param>
    /// <param name="name">Layer name.</param>
    public ReflectionPadding2D((int Width, int Height)? padding = null, string? name = null) : base(name)
    {
        var p = padding ?? (1, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(p.Width, nameof(padding));
        ArgumentOutOfRangeException.ThrowIfNegative(p.Height, nameof(padding));
        Padding = p;
    }

    /// <summary>Gets the padding: (width, height), in the original's order.</summary>
    public (int Width, int Height) Padding { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ValidateInputShape(inputShape);
        return new[] { inputShape[0], inputShape[1] + 2 * Padding.Height, inputShape[2] + 2 * Padding.Width };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ReflectionPadding2DConfig(Padding, ConfigName);

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count != 3)
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (ReflectionPadding2D) pads images [batch, channels, height, width], but received a per-example shape of {inputShape.Count} axes [{string.Join(", ", inputShape)}]. Reshape the data to images first.",
                new long[] { -1, -1, -1 }, inputShape);
        // A reflection repeats no border pixel, so it needs more pixels than it adds on a side.
        if (inputShape[1] <= Padding.Height || inputShape[2] <= Padding.Width)
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (ReflectionPadding2D) mirrors {Padding.Height} rows and {Padding.Width} columns, so the image must be larger than that, but it is {inputShape[1]}×{inputShape[2]}. Use larger images or less padding.",
                new long[] { inputShape[0], Padding.Height + 1, Padding.Width + 1 }, inputShape);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        // padding_tensor = [[0, 0], [padding_height, padding_height], [padding_width, padding_width], [0, 0]]; torch lists the last axis first.
        var (width, height) = Padding;
        return torch.nn.functional.pad(inputs, new long[] { width, width, height, height }, PaddingModes.Reflect);
    }

    /// <inheritdoc />
    protected override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var (width, height) = Padding;
        // Pads: the beginnings of every axis (N, C, H, W), then their ends.
        string pads = onnx.AddInt64s("pads", new long[] { 8 }, new long[] { 0, 0, height, width, 0, 0, height, width });
        return onnx.AddNode("Pad", new[] { input, pads }, OnnxAttribute.String("mode", "reflect"));
    }
}

/// <summary>Configuration of a <see cref="ReflectionPadding2D"/> layer (the original's <c>padding</c>).</summary>
/// <param name="Padding">(width, height).</param>
/// <param name="Name">Layer name.</param>
internal sealed record ReflectionPadding2DConfig((int Width, int Height) Padding, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new ReflectionPadding2D(Padding, Name);
}
