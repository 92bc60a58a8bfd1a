using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Shifts each NCHW image by a random fraction of its height and width during training, as Keras's
/// <c>RandomTranslation</c>; the identity at inference and in an ONNX export.
/// </summary>
/// <remarks>
/// <para>Per image, a vertical shift <c>dy ~ U[lower, upper]·height</c> and a horizontal <c>dx ~ U[lower, upper]·width</c>
/// (positive: down and right): output pixel <c>(y, x)</c> reads the input at <c>(y − dy, x − dx)</c>, interpolated
/// (<c>"bilinear"</c>, Keras's default, or <c>"nearest"</c>). A single factor <c>f</c> means <c>(−f, f)</c>; factors lie in
/// [−1, 1].</para>
/// <para>Pixels from outside the image are filled as Keras's <c>fill_mode</c>: <c>"reflect"</c> (the default; d c b a | a b c d),
/// <c>"nearest"</c> (the edge pixel repeated) or <c>"constant"</c> (<c>fillValue</c>).</para>
/// </remarks>
public sealed class RandomTranslation : Layer
{
    private readonly torch.Generator? generator;

    /// <summary>Initializes a new instance of the <see cref="RandomTranslation"/> class with symmetric ranges.</summary>
    /// <param name="heightFactor">Shifts up to this fraction of the height, up or down; in [0, 1].</param>
    /// <param name="widthFactor">Shifts up to this fraction of the width, left or right; in [0, 1].</param>
    /// <param name="fillMode"><c>"reflect"</c> (Keras's default), <c>"nearest"</c> or <c>"constant"</c>.</param>
    /// <param name="interpolation"><c>"bilinear"</c> (Keras's default) or <c>"nearest"</c>.</param>
    /// <param name="seed">Seed of the layer's own random stream; the global torch generator when null.</param>
    /// <param name="fillValue">The value outside the image with <c>fillMode: "constant"</c>.</param>
    /// <param name="name">Layer name.</param>
    public RandomTranslation(double heightFactor, double widthFactor, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0.0, string? name = null)
        : this((-heightFactor, heightFactor), (-widthFactor, widthFactor), fillMode, interpolation, seed, fillValue, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RandomTranslation"/> class.</summary>
    /// <param name="heightFactor">The range of vertical shifts as fractions of the height (negative: up); in [−1, 1].</param>
    /// <param name="widthFactor">The range of horizontal shifts as fractions of the width (negative: left); in [−1, 1].</param>
    /// <param name="fillMode"><c>"reflect"</c>, <c>"nearest"</c> or <c>"constant"</c>.</param>
    /// <param name="interpolation"><c>"bilinear"</c> or <c>"nearest"</c>.</param>
    /// <param name="seed">Seed of the layer's own random stream; the global torch generator when null.</param>
    /// <param name="fillValue">The value outside the image with <c>fillMode: "constant"</c>.</param>
    /// <param name="name">Layer name.</param>
    public RandomTranslation((double Lower, double Upper) heightFactor, (double Lower, double Upper) widthFactor, string fillMode = "reflect", string interpolation = "bilinear",
        long? seed = null, double fillValue = 0.0, string? name = null) : base(name)
    {
        HeightFactor = ImageTransforms.Factor(heightFactor, nameof(heightFactor), bound: 1);
        WidthFactor = ImageTransforms.Factor(widthFactor, nameof(widthFactor), bound: 1);
        FillMode = ImageTransforms.FillMode(fillMode, nameof(fillMode));
        Interpolation = ImageTransforms.Interpolation(interpolation, nameof(interpolation));
        if (!double.IsFinite(fillValue)) throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, "fillValue must be a finite number.");
        FillValue = fillValue;
        Seed = seed;
        if (seed is { } s) generator = new torch.Generator((ulong)s, torch.CPU);
    }

    /// <summary>Gets the range of vertical shifts, as fractions of the height.</summary>
    public (double Lower, double Upper) HeightFactor { get; }

    /// <summary>Gets the range of horizontal shifts, as fractions of the width.</summary>
    public (double Lower, double Upper) WidthFactor { get; }

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
    public override LayerConfig GetConfig() => new RandomTranslationConfig(HeightFactor, WidthFactor, FillMode, Interpolation, Seed, FillValue, ConfigName);

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
        var dy = ImageTransforms.Uniform(n, HeightFactor, generator);
        var dx = ImageTransforms.Uniform(n, WidthFactor, generator);
        // In normalised coordinates the image spans 2, so a shift of f·size is 2f; the map goes from output to input.
        var zeros = torch.zeros(n);
        var ones = torch.ones(n);
        var theta = torch.stack(new[] { ones, zeros, dx * -2, zeros, ones, dy * -2 }, 1).reshape(n, 2, 3);
        return ImageTransforms.Resample(inputs, theta, Interpolation, FillMode, FillValue).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) generator?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Configuration of a <see cref="RandomTranslation"/> layer.</summary>
/// <param name="HeightFactor">Range of vertical shifts (fractions of the height).</param>
/// <param name="WidthFactor">Range of horizontal shifts (fractions of the width).</param>
/// <param name="FillMode">Fill mode.</param>
/// <param name="Interpolation">Interpolation.</param>
/// <param name="Seed">Seed, or null.</param>
/// <param name="FillValue">Constant fill value.</param>
/// <param name="Name">Layer name.</param>
public sealed record RandomTranslationConfig((double Lower, double Upper) HeightFactor, (double Lower, double Upper) WidthFactor, string FillMode, string Interpolation,
    long? Seed, double FillValue, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new RandomTranslation(HeightFactor, WidthFactor, FillMode, Interpolation, Seed, FillValue, Name);
}
