using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Rotates each NCHW image about its centre by a random angle during training, as Keras's <c>RandomRotation</c>; the
/// identity at inference and in an ONNX export.
/// </summary>
/// <remarks>
/// <para>Per image, an angle <c>θ ~ U[lower, upper]·2π</c>; positive angles turn the image counter-clockwise (as
/// <c>np.rot90</c>), about the centre <c>((w − 1)/2, (h − 1)/2)</c>, interpolated (<c>"bilinear"</c>, Keras's default,
/// or <c>"nearest"</c>). A single factor <c>f</c> means <c>(−f, f)</c>: <c>0.25</c> is up to a quarter turn either way.</para>
/// <para>Pixels from outside the image are filled as Keras's <c>fill_mode</c>: <c>"reflect"</c> (the default; d c b a | a b c d),
/// <c>"nearest"</c> (the edge pixel repeated) or <c>"constant"</c> (<c>fillValue</c>).</para>
/// </remarks>
public sealed class RandomRotation : Layer
{
    private readonly torch.Generator? generator;

    /// <summary>Initializes a new instance of the <see cref="RandomRotation"/> class with a symmetric range.</summary>
    /// <param name="factor">Turns up to this fraction of a full turn, either way; non-negative.</param>
    /// <param name="fillMode"><c>"reflect"</c> (Keras's default), <c>"nearest"</c> or <c>"constant"</c>.</param>
    /// <param name="interpolation"><c>"bilinear"</c> (Keras's default) or <c>"nearest"</c>.</param>
    /// <param name="seed">Seed of the layer's own random stream; the global torch generator when null.</param>
    /// <param name="fillValue">The value outside the image with <c>fillMode: "constant"</c>.</param>
    /// <param name="name">Layer name.</param>
    public RandomRotation(double factor, string fillMode = "reflect", string interpolation = "bilinear", long? seed = null, double fillValue = 0.0, string? name = null)
        : this((-factor, factor), fillMode, interpolation, seed, fillValue, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="RandomRotation"/> class.</summary>
    /// <param name="factor">The range of angles as fractions of a full turn (positive: counter-clockwise).</param>
    /// <param name="fillMode"><c>"reflect"</c>, <c>"nearest"</c> or <c>"constant"</c>.</param>
    /// <param name="interpolation"><c>"bilinear"</c> or <c>"nearest"</c>.</param>
    /// <param name="seed">Seed of the layer's own random stream; the global torch generator when null.</param>
    /// <param name="fillValue">The value outside the image with <c>fillMode: "constant"</c>.</param>
    /// <param name="name">Layer name.</param>
    public RandomRotation((double Lower, double Upper) factor, string fillMode = "reflect", string interpolation = "bilinear",
        long? seed = null, double fillValue = 0.0, string? name = null) : base(name)
    {
        Factor = ImageTransforms.Factor(factor, nameof(factor));
        FillMode = ImageTransforms.FillMode(fillMode, nameof(fillMode));
        Interpolation = ImageTransforms.Interpolation(interpolation, nameof(interpolation));
        if (!double.IsFinite(fillValue)) throw new ArgumentOutOfRangeException(nameof(fillValue), fillValue, "fillValue must be a finite number.");
        FillValue = fillValue;
        Seed = seed;
        if (seed is { } s) generator = new torch.Generator((ulong)s, torch.CPU);
    }

    /// <summary>Gets the range of angles, as fractions of a full turn.</summary>
    public (double Lower, double Upper) Factor { get; }

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
    public override LayerConfig GetConfig() => new RandomRotationConfig(Factor, FillMode, Interpolation, Seed, FillValue, ConfigName);

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
        var angle = ImageTransforms.Uniform(n, Factor, generator).mul_(2 * Math.PI);
        var (cos, sin) = (angle.cos(), angle.sin());
        // Output to input in pixels about the centre: [[cos, −sin], [sin, cos]] (y down, so positive angles turn the
        // image counter-clockwise); in normalised coordinates each axis is divided by its half size.
        double aspect = (double)inputs.shape[3] / inputs.shape[2];
        var zeros = torch.zeros(n);
        var theta = torch.stack(new[] { cos, sin * (-1 / aspect), zeros, sin * aspect, cos, zeros }, 1).reshape(n, 2, 3);
        return ImageTransforms.Resample(inputs, theta, Interpolation, FillMode, FillValue).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) generator?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Configuration of a <see cref="RandomRotation"/> layer.</summary>
/// <param name="Factor">Range of angles (fractions of a full turn).</param>
/// <param name="FillMode">Fill mode.</param>
/// <param name="Interpolation">Interpolation.</param>
/// <param name="Seed">Seed, or null.</param>
/// <param name="FillValue">Constant fill value.</param>
/// <param name="Name">Layer name.</param>
public sealed record RandomRotationConfig((double Lower, double Upper) Factor, string FillMode, string Interpolation,
    long? Seed, double FillValue, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new RandomRotation(Factor, FillMode, Interpolation, Seed, FillValue, Name);
}
