using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Layer normalisation, as Keras's <c>LayerNormalization</c>: each example is normalised over <c>axis</c>,
/// <c>y = γ·(x − μ)/√(σ² + ε) + β</c>, with the mean μ and the biased variance σ² of that example (no batch statistics,
/// so training and inference compute the same).
/// </summary>
/// <remarks>
/// <para>Axes count from the batch axis (0), as Keras's do; negative ones from the end. The default is Keras's
/// <c>axis=-1</c>: the features of <c>[batch, features]</c>. On NCHW images, axis −1 is the width: Keras's default on
/// channels-last images (each pixel normalised over its channels) is <c>axis: 1</c> here, and Keras's
/// <c>axis=[1, 2, 3]</c> (each whole image) is <c>axes: [1, 2, 3]</c> here too.</para>
/// <para>γ and β have the shape of the normalised axes (<c>[features]</c>, <c>[channels]</c> for axis 1 on images). Keras's
/// defaults: ε = 1e-3, center and scale on. Ba, Kiros &amp; Hinton, "Layer Normalization", 2016.</para>
/// </remarks>
public sealed class LayerNormalization : Layer
{
    private readonly int[] axes;

    /// <summary>Initializes a new instance of the <see cref="LayerNormalization"/> class over one axis.</summary>
    /// <param name="axis">The axis to normalise over, counted from the batch axis 0 (−1: the last); Keras's −1 by default.</param>
    /// <param name="epsilon">ε added to the variance; positive; Keras's 1e-3 by default.</param>
    /// <param name="center">Whether to add the learned offset β.</param>
    /// <param name="scale">Whether to multiply by the learned scale γ.</param>
    /// <param name="name">Layer name.</param>
    public LayerNormalization(int axis = -1, double epsilon = 1e-3, bool center = true, bool scale = true, string? name = null)
        : this(new[] { axis }, epsilon, center, scale, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="LayerNormalization"/> class over several axes.</summary>
    /// <param name="axes">The axes to normalise over, counted from the batch axis 0 (negative: from the end); not empty.</param>
    /// <param name="epsilon">ε added to the variance; positive.</param>
    /// <param name="center">Whether to add the learned offset β.</param>
    /// <param name="scale">Whether to multiply by the learned scale γ.</param>
    /// <param name="name">Layer name.</param>
    public LayerNormalization(int[] axes, double epsilon = 1e-3, bool center = true, bool scale = true, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(axes);
        if (axes.Length == 0 || axes.Distinct().Count() != axes.Length || axes.Contains(0))
            throw new ArgumentException($"axes [{string.Join(", ", axes)}] are not valid: give distinct axes other than the batch axis 0 (e.g. -1 for the features, [1, 2, 3] for whole NCHW images).", nameof(axes));
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive (Keras's default is 1e-3).");
        this.axes = axes.ToArray();
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
    }

    /// <summary>Gets the axes normalised over, as given (counted from the batch axis; negative from the end).</summary>
    public IReadOnlyList<int> Axes => axes;

    /// <summary>Gets ε.</summary>
    public double Epsilon { get; }

    /// <summary>Gets a value indicating whether β is learned.</summary>
    public bool Center { get; }

    /// <summary>Gets a value indicating whether γ is learned.</summary>
    public bool Scale { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new LayerNormalizationConfig(axes.ToArray(), Epsilon, Center, Scale, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var resolved = Resolve(InputShape!.Count + 1);
        string normalized = Moments.ExportNormalize(onnx, input, resolved, Epsilon);
        return Moments.ExportScaleAndOffset(onnx, normalized, BroadcastShape(InputShape, resolved));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        int rank = inputShape.Count + 1;
        if (axes.Any(a => a >= rank || a < -inputShape.Count))
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (LayerNormalization) normalises axes [{string.Join(", ", axes)}], but its input {Shapes.FormatWithBatch(inputShape)} has axes 1 to {rank - 1} besides the batch. Choose axes of the input.",
                new long[] { -1 }, inputShape);
        var resolved = Resolve(rank);
        if (resolved.Distinct().Count() != resolved.Length)
            throw new IncompatibleInputException($"Layer '{DisplayName}' (LayerNormalization) names the same axis twice in [{string.Join(", ", axes)}] for input {Shapes.FormatWithBatch(inputShape)}.", new long[] { -1 }, inputShape);
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        var shape = Resolve(inputShape.Count + 1).Select(a => inputShape[(int)a - 1]).ToArray();
        if (Scale) AddWeight("gamma", shape, new Ones());
        if (Center) AddWeight("beta", shape, new Zeros());
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var resolved = Resolve((int)inputs.dim());
        var shape = BroadcastShape(InputShape!, resolved);
        var output = Moments.Normalize(inputs, resolved, Epsilon);
        if (FindWeight("gamma") is { } gamma) output = output * gamma.reshape(shape);
        if (FindWeight("beta") is { } beta) output = output + beta.reshape(shape);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>The axes as non-negative indices of the full tensor (batch included), in increasing order.</summary>
    private long[] Resolve(int rank) => axes.Select(a => (long)(a < 0 ? a + rank : a)).Order().ToArray();

    /// <summary>The shape γ and β broadcast with: the input's sizes on the normalised axes, 1 elsewhere (batch included).</summary>
    private static long[] BroadcastShape(IReadOnlyList<long> inputShape, long[] resolved)
    {
        var shape = new long[inputShape.Count + 1];
        for (int i = 0; i < shape.Length; i++) shape[i] = resolved.Contains(i) ? inputShape[i - 1] : 1;
        return shape;
    }
}

/// <summary>Configuration of a <see cref="LayerNormalization"/> layer.</summary>
/// <param name="Axes">The axes normalised over, counted from the batch axis.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="Center">Whether β is learned.</param>
/// <param name="Scale">Whether γ is learned.</param>
/// <param name="Name">Layer name.</param>
public sealed record LayerNormalizationConfig(int[] Axes, double Epsilon, bool Center, bool Scale, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new LayerNormalization(Axes, Epsilon, Center, Scale, Name);

    /// <inheritdoc />
    public bool Equals(LayerNormalizationConfig? other) => other is not null && Name == other.Name && Axes.SequenceEqual(other.Axes)
        && Epsilon.Equals(other.Epsilon) && Center == other.Center && Scale == other.Scale;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, Axes.Length, Epsilon, Center, Scale);
}
