using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Repeats rows and columns of NCHW images, as Keras's <c>UpSampling2D</c>: <c>[batch, c, h, w]</c> →
/// <c>[batch, c, h·sh, w·sw]</c>, with <c>"nearest"</c> (each pixel repeated, Keras's default) or <c>"bilinear"</c>
/// interpolation (half-pixel centres, as <c>tf.image.resize</c> and PyTorch's <c>align_corners=False</c>).
/// </summary>
public sealed class UpSampling2D : Layer
{
    /// <summary>Initializes a new instance of the <see cref="UpSampling2D"/> class with the same factor in both directions.</summary>
    /// <param name="size">The upsampling factor; positive.</param>
    /// <param name="interpolation"><c>"nearest"</c> or <c>"bilinear"</c>.</param>
    /// <param name="name">Layer name.</param>
    public UpSampling2D(int size = 2, string interpolation = "nearest", string? name = null) : this((size, size), interpolation, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="UpSampling2D"/> class.</summary>
    /// <param name="size">The upsampling factors (rows, columns); positive.</param>
    /// <param name="interpolation"><c>"nearest"</c> or <c>"bilinear"</c>.</param>
    /// <param name="name">Layer name.</param>
    public UpSampling2D((int Height, int Width) size, string interpolation = "nearest", string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size.Height, nameof(size));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size.Width, nameof(size));
        ArgumentNullException.ThrowIfNull(interpolation);
        string lower = interpolation.ToLowerInvariant();
        if (lower is not ("nearest" or "bilinear"))
            throw new ArgumentException($"interpolation must be \"nearest\" or \"bilinear\", but got \"{interpolation}\".", nameof(interpolation));
        Size = size;
        Interpolation = lower;
    }

    /// <summary>Gets the factors (rows, columns).</summary>
    public (int Height, int Width) Size { get; }

    /// <summary>Gets the interpolation, <c>"nearest"</c> or <c>"bilinear"</c>.</summary>
    public string Interpolation { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ValidateInputShape(inputShape);
        return new[] { inputShape[0], inputShape[1] * Size.Height, inputShape[2] * Size.Width };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new UpSampling2DConfig(Size, Interpolation, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        string scales = onnx.AddFloats("scales", new long[] { 4 }, new float[] { 1, 1, Size.Height, Size.Width });
        // Nearest: each pixel repeated (source index floor(dst / s)). Bilinear: half-pixel centres, as align_corners=False.
        return Interpolation == "nearest"
            ? onnx.AddNode("Resize", [input, string.Empty, scales],
                OnnxAttribute.String("mode", "nearest"), OnnxAttribute.String("coordinate_transformation_mode", "asymmetric"), OnnxAttribute.String("nearest_mode", "floor"))
            : onnx.AddNode("Resize", [input, string.Empty, scales],
                OnnxAttribute.String("mode", "linear"), OnnxAttribute.String("coordinate_transformation_mode", "half_pixel"));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        if (inputShape.Count != 3)
            throw new IncompatibleInputException($"Layer '{Name}' (UpSampling2D) expects images [batch, channels, height, width] (NCHW), but received {Shapes.FormatWithBatch(inputShape)}.",
                new long[] { -1, -1, -1 }, inputShape);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        if (Interpolation == "bilinear")
            return torch.nn.functional.interpolate(inputs, new[] { inputs.shape[2] * Size.Height, inputs.shape[3] * Size.Width },
                mode: torch.InterpolationMode.Bilinear, align_corners: false);
        using var rows = inputs.repeat_interleave(Size.Height, dim: 2);
        return rows.repeat_interleave(Size.Width, dim: 3);
    }
}

/// <summary>Configuration of an <see cref="UpSampling2D"/> layer.</summary>
/// <param name="Size">Factors (rows, columns).</param>
/// <param name="Interpolation"><c>"nearest"</c> or <c>"bilinear"</c>.</param>
/// <param name="Name">Layer name.</param>
public sealed record UpSampling2DConfig((int Height, int Width) Size, string Interpolation, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new UpSampling2D(Size, Interpolation, Name);
}
