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
public sealed class MaxPooling2D : Pooling2D
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
    public MaxPooling2D((int Height, int Width) poolSize, (int Height, int Width)? strides = null, string padding = "valid", string? name = null)
        : base(poolSize, strides, padding, name)
    {
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new MaxPooling2DConfig(PoolSize, Strides, Padding, ConfigName);

    /// <inheritdoc />
    private protected override string OnnxOperator => "MaxPool";

    /// <inheritdoc />
    private protected override torch.Tensor Pool(torch.Tensor inputs, long[] kernel, long[] strides, long[] pads)
    {
        if (pads.All(p => p == 0)) return torch.nn.functional.max_pool2d(inputs, kernel, strides);
        // −∞ padding: a padded position never is the maximum, as TensorFlow's "same" pooling ignores it.
        using var padded = torch.nn.functional.pad(inputs, pads, value: double.NegativeInfinity);
        return torch.nn.functional.max_pool2d(padded, kernel, strides);
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
