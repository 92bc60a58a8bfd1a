using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Resizes NCHW images to <c>height × width</c>, as Keras's <c>Resizing</c>: <c>[batch, c, h, w]</c> →
/// <c>[batch, c, height, width]</c>, with <c>tf.image.resize</c>'s half-pixel centres and no antialiasing.
/// </summary>
/// <remarks>
/// <para><c>"bilinear"</c> (Keras's default) samples at <c>(i + 0.5)·in/out − 0.5</c> between the two nearest pixels (PyTorch's
/// <c>align_corners=False</c>); <c>"nearest"</c> takes pixel <c>floor((i + 0.5)·in/out)</c> (TensorFlow's half-pixel
/// nearest neighbour, PyTorch's <c>nearest-exact</c>).</para>
/// <para>With <c>cropToAspectRatio</c>, the largest centred box of the target's aspect ratio is cut out first, so the
/// image is not distorted, as Keras's <c>crop_to_aspect_ratio=True</c>.</para>
/// </remarks>
public sealed class Resizing : Layer
{
    /// <summary>Initializes a new instance of the <see cref="Resizing"/> class.</summary>
    /// <param name="height">The output height; positive.</param>
    /// <param name="width">The output width; positive.</param>
    /// <param name="interpolation"><c>"bilinear"</c> (Keras's default) or <c>"nearest"</c>.</param>
    /// <param name="cropToAspectRatio">Whether to cut out the largest centred box with the output's aspect ratio before resizing.</param>
    /// <param name="name">Layer name.</param>
    public Resizing(int height, int width, string interpolation = "bilinear", bool cropToAspectRatio = false, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(height);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(width);
        Height = height;
        Width = width;
        Interpolation = ImageTransforms.Interpolation(interpolation, nameof(interpolation));
        CropToAspectRatio = cropToAspectRatio;
    }

    /// <summary>Gets the output height.</summary>
    public int Height { get; }

    /// <summary>Gets the output width.</summary>
    public int Width { get; }

    /// <summary>Gets the interpolation, <c>"bilinear"</c> or <c>"nearest"</c>.</summary>
    public string Interpolation { get; }

    /// <summary>Gets a value indicating whether a centred box of the output's aspect ratio is cut out before resizing.</summary>
    public bool CropToAspectRatio { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ImageInputs.Require(this, inputShape);
        return new[] { inputShape[0], Height, (long)Width };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ResizingConfig(Height, Width, Interpolation, CropToAspectRatio, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var (top, left, rows, columns) = CropBox(InputShape![1], InputShape[2]);
        string source = input;
        if (rows != InputShape[1] || columns != InputShape[2])
            source = onnx.AddNode("Slice", [input,
                onnx.AddInt64s("crop_starts", new long[] { 2 }, new[] { top, left }),
                onnx.AddInt64s("crop_ends", new long[] { 2 }, new[] { top + rows, left + columns }),
                onnx.AddInt64s("crop_axes", new long[] { 2 }, new long[] { 2, 3 })]);
        // Sizes, not scales, so the output size and the coordinate map are exact: [batch, channels] of the input, then the target.
        string leading = onnx.AddNode("Slice", [onnx.AddNode("Shape", [source]),
            onnx.AddInt64s("shape_start", new long[] { 1 }, new long[] { 0 }),
            onnx.AddInt64s("shape_end", new long[] { 1 }, new long[] { 2 })]);
        string sizes = onnx.AddNode("Concat", [leading, onnx.AddInt64s("size", new long[] { 2 }, new long[] { Height, Width })], OnnxAttribute.Int("axis", 0));
        // Nearest: floor((i + 0.5)·in/out), ONNX's tf_half_pixel_for_nn. Bilinear: half-pixel centres.
        return Interpolation == "nearest"
            ? onnx.AddNode("Resize", [source, string.Empty, string.Empty, sizes],
                OnnxAttribute.String("mode", "nearest"), OnnxAttribute.String("coordinate_transformation_mode", "tf_half_pixel_for_nn"), OnnxAttribute.String("nearest_mode", "floor"))
            : onnx.AddNode("Resize", [source, string.Empty, string.Empty, sizes],
                OnnxAttribute.String("mode", "linear"), OnnxAttribute.String("coordinate_transformation_mode", "half_pixel"));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape) => ImageInputs.Require(this, inputShape);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var (top, left, rows, columns) = CropBox(inputs.shape[2], inputs.shape[3]);
        var source = inputs.narrow(2, top, rows).narrow(3, left, columns);
        torch.Tensor output;
        if (Interpolation == "bilinear")
            output = torch.nn.functional.interpolate(source, new long[] { Height, Width }, mode: torch.InterpolationMode.Bilinear, align_corners: false);
        else
            output = source.index_select(2, NearestIndices(rows, Height, inputs.device)).index_select(3, NearestIndices(columns, Width, inputs.device));
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>TensorFlow's half-pixel nearest neighbour: output pixel i reads input pixel <c>min(floor((i + 0.5)·in/out), in − 1)</c>.</summary>
    private static torch.Tensor NearestIndices(long input, long output, torch.Device device)
    {
        var indices = new long[output];
        for (long i = 0; i < output; i++) indices[i] = Math.Min((long)Math.Floor((i + 0.5) * input / output), input - 1);
        return torch.tensor(indices, device: device);
    }

    /// <summary>Keras's crop box: the largest centred box with the output's aspect ratio, or the whole image.</summary>
    private (long Top, long Left, long Rows, long Columns) CropBox(long rows, long columns)
    {
        if (!CropToAspectRatio) return (0, 0, rows, columns);
        long cropRows = Math.Min(rows, (long)((double)columns * Height / Width));
        long cropColumns = Math.Min(columns, (long)((double)rows * Width / Height));
        return ((rows - cropRows) / 2, (columns - cropColumns) / 2, cropRows, cropColumns);
    }
}

/// <summary>Configuration of a <see cref="Resizing"/> layer.</summary>
/// <param name="Height">Output height.</param>
/// <param name="Width">Output width.</param>
/// <param name="Interpolation"><c>"bilinear"</c> or <c>"nearest"</c>.</param>
/// <param name="CropToAspectRatio">Whether a centred box of the output's aspect ratio is cut out first.</param>
/// <param name="Name">Layer name.</param>
public sealed record ResizingConfig(int Height, int Width, string Interpolation, bool CropToAspectRatio, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Resizing(Height, Width, Interpolation, CropToAspectRatio, Name);
}
