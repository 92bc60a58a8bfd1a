using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// What <see cref="AveragePooling2D"/> and <see cref="MaxPooling2D"/> share: windows over NCHW images, <c>strides</c>
/// apart (by default the pool size, Keras's <c>strides=None</c>), Keras's output sizes (<c>floor((h − k) / s) + 1</c> for
/// <c>"valid"</c>, <c>ceil(h / s)</c> for <c>"same"</c>, whose padding is TensorFlow's: the smaller half on top/left),
/// the argument and shape checks and the ONNX node; each subclass says how a window is reduced.
/// </summary>
public abstract class Pooling2D : Layer
{
    private protected Pooling2D((int Height, int Width) poolSize, (int Height, int Width)? strides, string padding, string? name) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize.Height, nameof(poolSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(poolSize.Width, nameof(poolSize));
        var s = strides ?? poolSize;
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s.Height, nameof(strides));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s.Width, nameof(strides));
        PoolSize = poolSize;
        Strides = s;
        Padding = ConvArithmetic.Padding(padding, nameof(padding));
    }

    /// <summary>Gets the window (height, width).</summary>
    public (int Height, int Width) PoolSize { get; }

    /// <summary>Gets the steps between windows (height, width).</summary>
    public (int Height, int Width) Strides { get; }

    /// <summary>Gets the padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ValidateInputShape(inputShape);
        return new[]
        {
            inputShape[0],
            ConvArithmetic.ConvOutputLength(inputShape[1], PoolSize.Height, Strides.Height, Padding),
            ConvArithmetic.ConvOutputLength(inputShape[2], PoolSize.Width, Strides.Width, Padding),
        };
    }

    /// <summary>Gets the ONNX operator of the reduction (<c>AveragePool</c>, <c>MaxPool</c>).</summary>
    private protected abstract string OnnxOperator { get; }

    /// <summary>Gets the ONNX attributes beyond the window, strides and pads.</summary>
    private protected virtual OnnxAttribute[] OnnxExtraAttributes => Array.Empty<OnnxAttribute>();

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var (top, bottom, left, right) = Pads(InputShape![1], InputShape[2]);
        return onnx.AddNode(OnnxOperator, [input], new[]
        {
            OnnxAttribute.Ints("kernel_shape", PoolSize.Height, PoolSize.Width),
            OnnxAttribute.Ints("strides", Strides.Height, Strides.Width),
            OnnxAttribute.Ints("pads", top, left, bottom, right),
        }.Concat(OnnxExtraAttributes).ToArray());
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        ImageInputs.Require(this, inputShape);
        if (Padding == "valid" && (inputShape[1] < PoolSize.Height || inputShape[2] < PoolSize.Width))
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' ({GetType().Name}) has a {PoolSize.Height}x{PoolSize.Width} window with padding \"valid\", larger than its {inputShape[1]}x{inputShape[2]} input {Shapes.FormatWithBatch(inputShape)}. Use padding: \"same\" or a smaller pool size.",
                new long[] { -1, PoolSize.Height, PoolSize.Width }, inputShape);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        var (top, bottom, left, right) = Pads(inputs.shape[2], inputs.shape[3]);
        return Pool(inputs, new long[] { PoolSize.Height, PoolSize.Width }, new long[] { Strides.Height, Strides.Width }, new[] { left, right, top, bottom });
    }

    /// <summary>Reduces each window; <paramref name="pads"/> (left, right, top, bottom) are TensorFlow's "same" padding, all 0 for "valid".</summary>
    private protected abstract torch.Tensor Pool(torch.Tensor inputs, long[] kernel, long[] strides, long[] pads);

    private (long Top, long Bottom, long Left, long Right) Pads(long height, long width)
    {
        if (Padding == "valid") return (0, 0, 0, 0);
        var (top, bottom) = ConvArithmetic.SamePadding(height, PoolSize.Height, Strides.Height);
        var (left, right) = ConvArithmetic.SamePadding(width, PoolSize.Width, Strides.Width);
        return (top, bottom, left, right);
    }
}
