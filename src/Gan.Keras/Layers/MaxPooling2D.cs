using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Max pooling over windows of NCHW images, as Keras's <c>MaxPooling2D</c>: each output pixel is the largest value of
/// its <c>poolSize</c> window, windows <c>strides</c> apart (by default the pool size, Keras's <c>strides=None</c>).
/// </summary>
/// <remarks>Output sizes are Keras's: <c>floor((h − k) / s) + 1</c> for <c>"valid"</c> (the default), <c>ceil(h / s)</c>
/// for <c>"same"</c>, whose padding is TensorFlow's (the smaller half on top/left) and never wins the maximum.</remarks>
public sealed class MaxPooling2D : Layer
{
    /// <summary>Initializes a new instance of the <see cref="MaxPooling2D"/> class with square windows.</summary>
    /// <param name="poolSize">Window height and width; positive; Keras's 2 by default.</param>
    /// <param name="strides">Step between windows; null (Keras's default) for the pool size.</param>
    /// <param name="padding"><c>"valid"</c> (Keras's default) or <c>"same"</c>.</param>
    /// <param name="name">Layer name.</param>
    public MaxPooling2D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null)
        : this((poolSize, poolSize), strides is { } s ? (s, s) : null, padding, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="MaxPooling2D"/> class.</summary>
    /// <param name="poolSize">Window (height, width); positive.</param>
    /// <param name="strides">Steps (height, width); null for the pool size.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="name">Layer name.</param>
    public MaxPooling2D((int Height, int Width) poolSize, (int Height, int Width)? strides = null, string padding = "valid", string? name = null) : base(name)
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

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new MaxPooling2DConfig(PoolSize, Strides, Padding, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var (top, bottom, left, right) = Pads(InputShape![1], InputShape[2]);
        // ONNX's MaxPool ignores padded positions, as TensorFlow's "same" does.
        return onnx.AddNode("MaxPool", [input],
            OnnxAttribute.Ints("kernel_shape", PoolSize.Height, PoolSize.Width),
            OnnxAttribute.Ints("strides", Strides.Height, Strides.Width),
            OnnxAttribute.Ints("pads", top, left, bottom, right));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        ImageInputs.Require(this, inputShape);
        if (Padding == "valid" && (inputShape[1] < PoolSize.Height || inputShape[2] < PoolSize.Width))
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (MaxPooling2D) has a {PoolSize.Height}x{PoolSize.Width} window with padding \"valid\", larger than its {inputShape[1]}x{inputShape[2]} input {Shapes.FormatWithBatch(inputShape)}. Use padding: \"same\" or a smaller pool size.",
                new long[] { -1, PoolSize.Height, PoolSize.Width }, inputShape);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        var (top, bottom, left, right) = Pads(inputs.shape[2], inputs.shape[3]);
        var kernel = new long[] { PoolSize.Height, PoolSize.Width };
        var strides = new long[] { Strides.Height, Strides.Width };
        if (top + bottom + left + right == 0) return torch.nn.functional.max_pool2d(inputs, kernel, strides);
        // −∞ padding: a padded position never is the maximum, as TensorFlow's "same" pooling ignores it.
        using var padded = torch.nn.functional.pad(inputs, new[] { left, right, top, bottom }, value: double.NegativeInfinity);
        return torch.nn.functional.max_pool2d(padded, kernel, strides);
    }

    private (long Top, long Bottom, long Left, long Right) Pads(long height, long width)
    {
        if (Padding == "valid") return (0, 0, 0, 0);
        var (top, bottom) = ConvArithmetic.SamePadding(height, PoolSize.Height, Strides.Height);
        var (left, right) = ConvArithmetic.SamePadding(width, PoolSize.Width, Strides.Width);
        return (top, bottom, left, right);
    }
}

/// <summary>Configuration of a <see cref="MaxPooling2D"/> layer.</summary>
/// <param name="PoolSize">Window (height, width).</param>
/// <param name="Strides">Steps (height, width).</param>
/// <param name="Padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="Name">Layer name.</param>
public sealed record MaxPooling2DConfig((int Height, int Width) PoolSize, (int Height, int Width) Strides, string Padding, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new MaxPooling2D(PoolSize, Strides, Padding, Name);
}
