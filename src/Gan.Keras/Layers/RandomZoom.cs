using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Zooms each NCHW image in or out about its centre by a random factor during training, as Keras's <c>RandomZoom</c>;
/// the identity at inference and in an ONNX export.
/// </summary>
/// <remarks>
/// <para>Per image, a vertical zoom <c>z_h = 1 + U[lower, upper]</c>; positive factors zoom out (the content shrinks),
/// negative ones zoom in, as Keras's: output pixel <c>p</c> reads the input at <c>c + z·(p − c)</c>, <c>c</c> the centre
/// <c>((w − 1)/2, (h − 1)/2)</c>, interpolated (<c>"bilinear"</c>, Keras's default, or <c>"nearest"</c>). Without a
/// width factor the width takes the same zoom (the aspect ratio is kept). A single factor <c>f</c> means <c>(−f, f)</c>;
/// factors are above −1.</para>
/// <para>Pixels from outside the image are filled as Keras's <c>fill_mode</c>: <c>"reflect"</c> (the default; d c b a | a b c d),
/// <c>"nearest"</c> (the edge pixel repeated) or <c>"constant"</c> (<c>fillValue</c>).</para>
/// </remarks>
public sealed class RandomZoom : Layer
{
    private readonly torch.Generator? generator;

    /// <summary>Initializes a new instance of the <see cref="RandomZoom"/> class with symmetric ranges.</summary>
    /// <param name="heightFactor">Zooms the height in or out by up to this fraction; in [0, 1).</param>
    /// <param name="widthFactor">Zooms the width in or out by up to this fraction; null (Keras's default) for the height's zoom.</param>
    /// <param name="fillMode"><c>"reflect"</c> (Keras's default), <c>"nearest"</c> or <c>"constant"</c>.</param>
    /// <param name="interpolation"><c>"bilinear"</c> (Keras's default) or <c>"nearest"</c>.</param>
    /// <param name="seed">Seed of the layer's own random stream; the global torch generator when null.</param>
    /// <param name="fillValue">The value outside the image with <c>fillMode: "constant"</c>.</param>
    /// <param name="name">Layer name.</param>
    public RandomZoom(double heightFactor, double? widthFactor = null, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0.0, string? name = null)
        : this((-heightFactor, heightFactor), widthFactor is { } w ? (-w, w) : null, fillMode, interpolation, seed, fillValue, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RandomZoom"/> class.</summary>
    /// <param name="heightFactor">The range of vertical zooms, <c>z − 1</c> (positive: out); above −1.</param>
    /// <param name="widthFactor">The range of horizontal zooms; null for the height's zoom.</param>
    /// <param name="fillMode"><c>"reflect"</c>, <c>"nearest"</c> or <c>"constant"</c>.</param>
    /// <param name="interpolation"><c>"bilinear"</c> or <c>"nearest"</c>.</param>
    /// <param name="seed">Seed of the layer's own random stream; the global torch generator when null.</param>
    /// <param name="fillValue">The value outside the image with <c>fillMode: "constant"</c>.</param>
    /// <param name="name">Layer name.</param>
    public RandomZoom((double Lower, double Upper) heightFactor, (double Lower, double Upper)? widthFactor = null, string fillMode = "reflect", string interpolation = "bilinear",
        long? seed = null, double fillValue = 0.0, string? name = null) : base(name)
    {
        HeightFactor = ZoomFactor(heightFactor, nameof(heightFactor));
        WidthFactor = widthFactor is { } w ? ZoomFactor(w, nameof(widthFactor)) : null;
        FillMode = ImageTransforms.FillMode(fillMode, nameof(fillMode));
        Interpolation = ImageTransforms.Interpolation(interpolation, nameof(interpolation));
        if (!double.IsFinite(fillValue)) throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, "fillValue must be a finite number.");
        FillValue = fillValue;
        Seed = seed;
        if (seed is { } s) generator = new torch.Generator((ulong)s, torch.CPU);
    }

    /// <summary>Gets the range of vertical zooms, <c>z − 1</c>.</summary>
    public (double Lower, double Upper) HeightFactor { get; }

    /// <summary>Gets the range of horizontal zooms, or null when the width takes the height's zoom.</summary>
    public (double Lower, double Upper)? WidthFactor { get; }

    /// <summary>Gets the fill mode.</summary>
    public string FillMode { get; }

    /// <summary>Gets the interpolation.</summary>
    public string Interpolation { get; }

    /// <summary>Gets the value outside the image with <c>fillMode: "constant"</c>.</summary>
    public double FillValue { get; }

    /// <summary>Gets the seed of the layer's random stream, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new RandomZoomConfig(HeightFactor, WidthFactor, FillMode, Interpolation, Seed, FillValue, ConfigName);

    /// <inheritdoc />
    /// <remarks>Inference mode: the identity.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => input;

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape) => ImageInputs.Require(this, inputShape);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        if (!training) return inputs.alias();
        using var scope = torch.NewDisposeScope();
        long n = inputs.shape[0];
        var zoomHeight = ImageTransforms.Uniform(n, HeightFactor, generator).add_(1);
        var zoomWidth = WidthFactor is { } width ? ImageTransforms.Uniform(n, width, generator).add_(1) : zoomHeight;
        // About the centre, output to input: normalised coordinates scale by z.
        var zeros = torch.zeros(n);
        var theta = torch.stack(new[] { zoomWidth, zeros, zeros, zeros, zoomHeight, zeros }, 1).reshape(n, 2, 3);
        return ImageTransforms.Resample(inputs, theta, Interpolation, FillMode, FillValue).MoveToOuterDisposeScope();
    }

    private static (double Lower, double Upper) ZoomFactor((double Lower, double Upper) factor, string parameterName)
    {
        ImageTransforms.Factor(factor, parameterName);
        if (factor.Lower <= -1)
            throw new ArgumentOutOfRangeException(parameterName, factor, "A zoom factor must be above -1 (the zoom is 1 + factor, which must stay positive).");
        return factor;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) generator?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Configuration of a <see cref="RandomZoom"/> layer.</summary>
/// <param name="HeightFactor">Range of vertical zooms.</param>
/// <param name="WidthFactor">Range of horizontal zooms, or null for the height's.</param>
/// <param name="FillMode">Fill mode.</param>
/// <param name="Interpolation">Interpolation.</param>
/// <param name="Seed">Seed, or null.</param>
/// <param name="FillValue">Constant fill value.</param>
/// <param name="Name">Layer name.</param>
public sealed record RandomZoomConfig((double Lower, double Upper) HeightFactor, (double Lower, double Upper)? WidthFactor, string FillMode, string Interpolation,
    long? Seed, double FillValue, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new RandomZoom(HeightFactor, WidthFactor, FillMode, Interpolation, Seed, FillValue, Name);
}
