using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Removes rows and columns at the edges of NCHW images, as Keras's <c>Cropping2D</c>: <c>[batch, c, h, w]</c> →
/// <c>[batch, c, h − top − bottom, w − left − right]</c>.
/// </summary>
/// <remarks>Keras's <c>cropping</c> forms map to the constructors: <c>n</c> (every side), <c>(h, w)</c> (symmetric rows
/// and columns), <c>((top, bottom), (left, right))</c>. Keras's default crops nothing.</remarks>
public sealed class Cropping2D : Layer
{
    /// <summary>Initializes a new instance of the <see cref="Cropping2D"/> class with the same cropping on every side.</summary>
    /// <param name="cropping">Rows and columns removed on each side; non-negative.</param>
    /// <param name="name">Layer name.</param>
    public Cropping2D(int cropping = 0, string? name = null) : this((cropping, cropping), (cropping, cropping), name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Cropping2D"/> class with symmetric rows and columns.</summary>
    /// <param name="cropping">Rows removed above and below, columns removed left and right; non-negative.</param>
    /// <param name="name">Layer name.</param>
    public Cropping2D((int Height, int Width) cropping, string? name = null) : this((cropping.Height, cropping.Height), (cropping.Width, cropping.Width), name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Cropping2D"/> class.</summary>
    /// <param name="height">Rows removed above and below; non-negative.</param>
    /// <param name="width">Columns removed left and right; non-negative.</param>
    /// <param name="name">Layer name.</param>
    public Cropping2D((int Top, int Bottom) height, (int Left, int Right) width, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(height.Top, nameof(height));
        ArgumentOutOfRangeException.ThrowIfNegative(height.Bottom, nameof(height));
        ArgumentOutOfRangeException.ThrowIfNegative(width.Left, nameof(width));
        ArgumentOutOfRangeException.ThrowIfNegative(width.Right, nameof(width));
        Height = height;
        Width = width;
    }

    /// <summary>Gets the rows removed (above, below).</summary>
    public (int Top, int Bottom) Height { get; }

    /// <summary>Gets the columns removed (left, right).</summary>
    public (int Left, int Right) Width { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ValidateInputShape(inputShape);
        return new[] { inputShape[0], inputShape[1] - Height.Top - Height.Bottom, inputShape[2] - Width.Left - Width.Right };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new Cropping2DConfig(Height, Width, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var shape = InputShape!;
        string starts = onnx.AddInt64s("starts", new long[] { 2 }, new long[] { Height.Top, Width.Left });
        string ends = onnx.AddInt64s("ends", new long[] { 2 }, new long[] { shape[1] - Height.Bottom, shape[2] - Width.Right });
        string axes = onnx.AddInt64s("axes", new long[] { 2 }, new long[] { 2, 3 });
        return onnx.AddNode("Slice", [input, starts, ends, axes]);
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        ImageInputs.Require(this, inputShape);
        if (Height.Top + Height.Bottom >= inputShape[1] || Width.Left + Width.Right >= inputShape[2])
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (Cropping2D) removes {Height.Top} + {Height.Bottom} rows and {Width.Left} + {Width.Right} columns, which leaves nothing of its {inputShape[1]}x{inputShape[2]} input {Shapes.FormatWithBatch(inputShape)}. Crop less.",
                new long[] { -1, Height.Top + Height.Bottom + 1, Width.Left + Width.Right + 1 }, inputShape);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        using var rows = inputs.narrow(2, Height.Top, inputs.shape[2] - Height.Top - Height.Bottom);
        return rows.narrow(3, Width.Left, inputs.shape[3] - Width.Left - Width.Right);
    }
}

/// <summary>Configuration of a <see cref="Cropping2D"/> layer.</summary>
/// <param name="Height">Rows removed (above, below).</param>
/// <param name="Width">Columns removed (left, right).</param>
/// <param name="Name">Layer name.</param>
public sealed record Cropping2DConfig((int Top, int Bottom) Height, (int Left, int Right) Width, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Cropping2D(Height, Width, Name);
}
