using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Adds rows and columns of zeros around NCHW images, as Keras's <c>ZeroPadding2D</c>: <c>[batch, c, h, w]</c> →
/// <c>[batch, c, top + h + bottom, left + w + right]</c>.
/// </summary>
/// <remarks>Keras's <c>padding</c> forms map to the constructors: <c>1</c> (every side), <c>(h, w)</c> (symmetric rows
/// and columns), <c>((top, bottom), (left, right))</c>. Keras's default is 1 on every side.</remarks>
public sealed class ZeroPadding2D : Layer
{
    /// <summary>Initializes a new instance of the <see cref="ZeroPadding2D"/> class with the same padding on every side.</summary>
    /// <param name="padding">Rows and columns added on each side; non-negative.</param>
    /// <param name="name">Layer name.</param>
    public ZeroPadding2D(int padding = 1, string? name = null) : this((padding, padding), (padding, padding), name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ZeroPadding2D"/> class with symmetric rows and columns.</summary>
    /// <param name="padding">Rows added above and below, columns added left and right; non-negative.</param>
    /// <param name="name">Layer name.</param>
    public ZeroPadding2D((int Height, int Width) padding, string? name = null) : this((padding.Height, padding.Height), (padding.Width, padding.Width), name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="ZeroPadding2D"/> class.</summary>
    /// <param name="height">Rows added above and below; non-negative.</param>
    /// <param name="width">Columns added left and right; non-negative.</param>
    /// <param name="name">Layer name.</param>
    public ZeroPadding2D((int Top, int Bottom) height, (int Left, int Right) width, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height.Top, nameof(height));
        ArgumentOutOfRangeException.ThrowIfNegative(height.Bottom, nameof(height));
        ArgumentOutOfRangeException.ThrowIfNegative(width.Left, nameof(width));
        ArgumentOutOfRangeException.ThrowIfNegative(width.Right, nameof(width));
        Height = height;
        Width = width;
    }

    /// <summary>Gets the rows added (above, below).</summary>
    public (int Top, int Bottom) Height { get; }

    /// <summary>Gets the columns added (left, right).</summary>
    public (int Left, int Right) Width { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ImageInputs.Require(this, inputShape);
        return new[] { inputShape[0], inputShape[1] + Height.Top + Height.Bottom, inputShape[2] + Width.Left + Width.Right };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ZeroPadding2DConfig(Height, Width, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        // Pads: the beginnings of every axis (N, C, H, W), then their ends.
        string pads = onnx.AddInt64s("pads", new long[] { 8 }, new long[] { 0, 0, Height.Top, Width.Left, 0, 0, Height.Bottom, Width.Right });
        return onnx.AddNode("Pad", [input, pads], OnnxAttribute.String("mode", "constant"));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape) => ImageInputs.Require(this, inputShape);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) =>
        torch.nn.functional.pad(inputs, new long[] { Width.Left, Width.Right, Height.Top, Height.Bottom });
}

/// <summary>Configuration of a <see cref="ZeroPadding2D"/> layer.</summary>
/// <param name="Height">Rows added (above, below).</param>
/// <param name="Width">Columns added (left, right).</param>
/// <param name="Name">Layer name.</param>
public sealed record ZeroPadding2DConfig((int Top, int Bottom) Height, (int Left, int Right) Width, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new ZeroPadding2D(Height, Width, Name);
}
