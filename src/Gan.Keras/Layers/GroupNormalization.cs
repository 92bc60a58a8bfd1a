using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Group normalisation, as Keras's <c>GroupNormalization</c>: the channels (axis 1: NCHW channels, or the features of
/// <c>[batch, features]</c>) are split into <c>groups</c> consecutive groups, and each example's group is normalised over
/// its channels and pixels, <c>y = γ·(x − μ)/√(σ² + ε) + β</c> with γ and β per channel.
/// </summary>
/// <remarks>
/// <para>Keras's default <c>axis=-1</c> (the channels of channels-last images) is axis 1 here. One group per channel
/// (<c>groups: -1</c>, or the channel count) is instance normalisation (Ulyanov et al. 2016; keras-contrib's and
/// TensorFlow Addons' <c>InstanceNormalization</c>, used by CycleGAN); one group is layer normalisation over
/// <c>[1, 2, 3]</c>. No batch statistics: training and inference compute the same.</para>
/// <para>Keras's defaults: 32 groups, ε = 1e-3, center and scale on. Wu &amp; He, "Group Normalization", ECCV 2018.</para>
/// </remarks>
public sealed class GroupNormalization : Layer
{
    /// <summary>Initializes a new instance of the <see cref="GroupNormalization"/> class.</summary>
    /// <param name="groups">The number of groups, dividing the channel count; −1 for one group per channel (instance normalisation). Keras's 32 by default.</param>
    /// <param name="epsilon">ε added to the variance; positive; Keras's 1e-3 by default.</param>
    /// <param name="center">Whether to add the learned offset β.</param>
    /// <param name="scale">Whether to multiply by the learned scale γ.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="gammaInitializer">Initializer of γ; ones by default (CycleGAN draws it from N(0, 0.02)).</param>
    /// <param name="betaInitializer">Initializer of β; zeros by default.</param>
    public GroupNormalization(int groups = 32, double epsilon = 1e-3, bool center = true, bool scale = true, string? name = null,
        Initializer? gammaInitializer = null, Initializer? betaInitializer = null) : base(name)
    {
        if (groups == 0 || groups < -1)
            throw new ArgumentOutOfRangeException(nameof(groups), groups, "groups must be positive, or -1 for one group per channel (instance normalisation).");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive (Keras's default is 1e-3).");
        Groups = groups;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        GammaInitializer = gammaInitializer ?? new Ones();
        BetaInitializer = betaInitializer ?? new Zeros();
    }

    /// <summary>Gets the number of groups as given (−1: one per channel).</summary>
    public int Groups { get; }

    /// <summary>Gets ε.</summary>
    public double Epsilon { get; }

    /// <summary>Gets a value indicating whether β is learned.</summary>
    public bool Center { get; }

    /// <summary>Gets a value indicating whether γ is learned.</summary>
    public bool Scale { get; }

    /// <summary>Gets the initializer of γ (Keras's <c>gamma_initializer</c>).</summary>
    public Initializer GammaInitializer { get; }

    /// <summary>Gets the initializer of β (Keras's <c>beta_initializer</c>).</summary>
    public Initializer BetaInitializer { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new GroupNormalizationConfig(Groups, Epsilon, Center, Scale, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var shape = InputShape!;
        long groups = GroupCount(shape[0]);
        // Reshape's 0 copies the (dynamic) batch size.
        string grouped = onnx.AddNode("Reshape", [input, onnx.AddInt64s("grouped_shape", new long[] { 3 }, new long[] { 0, groups, -1 })]);
        string normalized = Moments.ExportNormalize(onnx, grouped, new long[] { 2 }, Epsilon);
        string restored = onnx.AddNode("Reshape", [normalized, onnx.AddInt64s("shape", new long[] { shape.Count + 1 }, new long[] { 0 }.Concat(shape).ToArray())]);
        return Moments.ExportScaleAndOffset(onnx, restored, ChannelShape(shape));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        if (inputShape.Count == 0)
            throw new IncompatibleInputException($"Layer '{DisplayName}' (GroupNormalization) normalises groups of axis 1 (channels or features), but received a 1-D batch. Reshape the data to [batch, features].",
                new long[] { -1 }, inputShape);
        if (Groups != -1 && (Groups > inputShape[0] || inputShape[0] % Groups != 0))
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (GroupNormalization) splits the channels into {Groups} groups, but its input {Shapes.FormatWithBatch(inputShape)} has {inputShape[0]} channels, which {Groups} does not divide. Choose a divisor of {inputShape[0]} (or -1 for one group per channel).",
                new long[] { Groups }, inputShape);
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        var channels = new[] { inputShape[0] };
        if (Scale) AddWeight("gamma", channels, GammaInitializer);
        if (Center) AddWeight("beta", channels, BetaInitializer);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        using var scope = torch.NewDisposeScope();
        var grouped = inputs.reshape(inputs.shape[0], GroupCount(inputs.shape[1]), -1);
        var output = Moments.Normalize(grouped, new long[] { 2 }, Epsilon).reshape(inputs.shape);
        var shape = ChannelShape(InputShape!);
        if (FindWeight("gamma") is { } gamma) output = output * gamma.reshape(shape);
        if (FindWeight("beta") is { } beta) output = output + beta.reshape(shape);
        return output.MoveToOuterDisposeScope();
    }

    private long GroupCount(long channels) => Groups == -1 ? channels : Groups;

    /// <summary>The shape γ and β broadcast with: <c>[1, channels, 1, ...]</c>.</summary>
    private static long[] ChannelShape(IReadOnlyList<long> inputShape)
    {
        var shape = Enumerable.Repeat(1L, inputShape.Count + 1).ToArray();
        shape[1] = inputShape[0];
        return shape;
    }
}

/// <summary>Configuration of a <see cref="GroupNormalization"/> layer.</summary>
/// <param name="Groups">The number of groups (−1: one per channel).</param>
/// <param name="Epsilon">ε.</param>
/// <param name="Center">Whether β is learned.</param>
/// <param name="Scale">Whether γ is learned.</param>
/// <param name="Name">Layer name.</param>
public sealed record GroupNormalizationConfig(int Groups, double Epsilon, bool Center, bool Scale, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new GroupNormalization(Groups, Epsilon, Center, Scale, Name);
}
