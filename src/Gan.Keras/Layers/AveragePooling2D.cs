using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Average pooling over windows of NCHW images, as Keras's <c>AveragePooling2D</c>: each output pixel is the mean of its
/// <c>poolSize</c> window, windows <c>strides</c> apart (by default the pool size, Keras's <c>strides=None</c>).
/// </summary>
/// <remarks>Output sizes are Keras's: <c>floor((h − k) / s) + 1</c> for <c>"valid"</c> (the default), <c>ceil(h / s)</c>
/// for <c>"same"</c>, whose padding is TensorFlow's (the smaller half on top/left) and is left out of the mean: a window
/// at the edge averages only the pixels it covers (ONNX's <c>count_include_pad = 0</c>).</remarks>
public sealed class AveragePooling2D : Pooling2D
{
    /// <summary>Initializes a new instance of the <see cref="AveragePooling2D"/> class with square windows.</summary>
    /// <param name="poolSize">Window height and width; positive; Keras's 2 by default.</param>
    /// <param name="strides">Step between windows; null (Keras's default) for the pool size.</param>
    /// <param name="padding"><c>"valid"</c> (Keras's default) or <c>"same"</c>.</param>
    /// <param name="name">Layer name.</param>
    public AveragePooling2D(int poolSize = 2, int? strides = null, string padding = "valid", string? name = null)
        : this((poolSize, poolSize), strides is { } s ? (s, s) : null, padding, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="AveragePooling2D"/> class.</summary>
    /// <param name="poolSize">Window (height, width); positive.</param>
    /// <param name="strides">Steps (height, width); null for the pool size.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="name">Layer name.</param>
    public AveragePooling2D((int Height, int Width) poolSize, (int Height, int Width)? strides = null, string padding = "valid", string? name = null)
        : base(poolSize, strides, padding, name)
    {
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new AveragePooling2DConfig(PoolSize, Strides, Padding, ConfigName);

    /// <inheritdoc />
    private protected override string OnnxOperator => "AveragePool";

    /// <inheritdoc />
    /// <remarks>count_include_pad = 0: padded positions are left out of the mean, as TensorFlow's "same" does.</remarks>
    private protected override OnnxAttribute[] OnnxExtraAttributes => new[] { OnnxAttribute.Int("count_include_pad", 0) };

    /// <inheritdoc />
    private protected override torch.Tensor Pool(torch.Tensor inputs, long[] kernel, long[] strides, long[] pads)
    {
        if (pads.All(p => p == 0)) return torch.nn.functional.avg_pool2d(inputs, kernel, strides);
        // The mean of the covered pixels only: the zero-padded mean divided by the fraction of each window inside the image.
        using var scope = torch.NewDisposeScope();
        var sums = torch.nn.functional.avg_pool2d(torch.nn.functional.pad(inputs, pads), kernel, strides);
        using var ones = torch.ones(new[] { 1L, 1L, inputs.shape[2], inputs.shape[3] }, inputs.dtype, inputs.device);
        var inside = torch.nn.functional.avg_pool2d(torch.nn.functional.pad(ones, pads), kernel, strides);
        return (sums / inside).MoveToOuterDisposeScope();
    }
}

/// <summary>Configuration of a <see cref="AveragePooling2D"/> layer.</summary>
/// <param name="PoolSize">Window (height, width).</param>
/// <param name="Strides">Steps (height, width).</param>
/// <param name="Padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="Name">Layer name.</param>
public sealed record AveragePooling2DConfig((int Height, int Width) PoolSize, (int Height, int Width) Strides, string Padding, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new AveragePooling2D(PoolSize, Strides, Padding, Name);
}
