using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Batch normalisation, as Keras's <c>BatchNormalization</c>, over the channel axis (axis 1: NCHW channels, or the
/// features of <c>[batch, features]</c>): <c>y = γ·(x − μ)/√(σ² + ε) + β</c>.
/// </summary>
/// <remarks>
/// <para>Training (<c>training: true</c> and the layer <see cref="Layer.Trainable"/>): μ and σ² are the batch's mean and
/// biased variance over every axis but the channel axis, and the moving statistics are updated as Keras does,
/// <c>moving = moving·momentum + batch·(1 − momentum)</c> (PyTorch's <c>momentum</c> is Keras's <c>1 − momentum</c>,
/// and PyTorch stores the unbiased variance). Inference: the moving statistics are used. Keras's defaults:
/// momentum 0.99, ε = 1e-3 (PyTorch: 0.1 and 1e-5). A frozen layer (<c>Trainable = false</c>, set on it or on a model
/// that contains it) runs in inference mode, as in Keras 2.1+.</para>
/// <para>Weights: <c>gamma</c>, <c>beta</c> (trainable), <c>moving_mean</c>, <c>moving_variance</c> (non-trainable,
/// saved; counted in <see cref="Layer.CountParams"/> as Keras's non-trainable params).</para>
/// <para>Ioffe &amp; Szegedy, "Batch Normalization", ICML 2015. Keras's <c>axis=-1</c> on channels-last images is axis 1 here.</para>
/// </remarks>
public sealed class BatchNormalization : Layer
{
    private torch.Tensor? gamma => FindWeight("gamma");
    private torch.Tensor? beta => FindWeight("beta");
    private torch.Tensor? movingMean => FindWeight("moving_mean");
    private torch.Tensor? movingVariance => FindWeight("moving_variance");

    /// <summary>Initializes a new instance of the <see cref="BatchNormalization"/> class.</summary>
    /// <param name="momentum">Momentum of the moving statistics, in [0, 1); Keras's 0.99 by default.</param>
    /// <param name="epsilon">ε added to the variance; positive; Keras's 1e-3 by default.</param>
    /// <param name="center">Whether to add the learned offset β.</param>
    /// <param name="scale">Whether to multiply by the learned scale γ.</param>
    /// <param name="name">Layer name.</param>
    /// <param name="unbiasedMovingVariance">
    /// Whether the moving variance is updated with the unbiased batch variance (×n/(n−1), n the values per channel), as
    /// PyTorch's <c>running_var</c>; Keras (false, the default) uses the biased one. Normalisation in training always
    /// uses the biased batch variance, in both frameworks.
    /// </param>
    public BatchNormalization(double momentum = 0.99, double epsilon = 1e-3, bool center = true, bool scale = true, string? name = null, bool unbiasedMovingVariance = false) : base(name)
    {
        if (!(momentum >= 0 && momentum < 1))
            throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1) (Keras's convention: the weight of the old moving value, 0.99 by default).");
        if (!(epsilon > 0))
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be positive (Keras's default is 1e-3).");
        Momentum = momentum;
        Epsilon = epsilon;
        Center = center;
        Scale = scale;
        UnbiasedMovingVariance = unbiasedMovingVariance;
    }

    /// <summary>Gets the momentum of the moving statistics.</summary>
    public double Momentum { get; }

    /// <summary>Gets ε.</summary>
    public double Epsilon { get; }

    /// <summary>Gets a value indicating whether β is learned.</summary>
    public bool Center { get; }

    /// <summary>Gets a value indicating whether γ is learned.</summary>
    public bool Scale { get; }

    /// <summary>Gets a value indicating whether the moving variance takes the unbiased batch variance (PyTorch) rather than the biased one (Keras).</summary>
    public bool UnbiasedMovingVariance { get; }

    /// <summary>Gets the moving mean <c>[channels]</c>. Throws before the layer is built.</summary>
    public torch.Tensor MovingMean => movingMean ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <summary>Gets the moving variance <c>[channels]</c>. Throws before the layer is built.</summary>
    public torch.Tensor MovingVariance => movingVariance ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new BatchNormalizationConfig(Momentum, Epsilon, Center, Scale, ConfigName) { UnbiasedMovingVariance = UnbiasedMovingVariance };

    /// <inheritdoc />
    /// <remarks>True: in training, each example is normalised with its batch's statistics.</remarks>
    public override bool MixesBatch => true;

    /// <inheritdoc />
    /// <remarks>Inference mode: the moving statistics.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var mean = onnx.Weight("moving_mean");
        long channels = mean.shape[0];
        string scale = onnx.AddWeightIfPresent("gamma") ?? onnx.AddFloats("gamma", new[] { channels }, Enumerable.Repeat(1f, (int)channels).ToArray());
        string offset = onnx.AddWeightIfPresent("beta") ?? onnx.AddFloats("beta", new[] { channels }, new float[channels]);
        return onnx.AddNode("BatchNormalization", [input, scale, offset, onnx.AddConstant("moving_mean", mean), onnx.AddWeight("moving_variance")],
            OnnxAttribute.Float("epsilon", (float)Epsilon));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        if (inputShape.Count == 0)
            throw new IncompatibleInputException($"Layer '{Name}' (BatchNormalization) normalizes axis 1 (channels or features), but received a 1-D batch. Reshape the data to [batch, features].",
                new long[] { -1 }, inputShape);
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        var channels = new[] { inputShape[0] };
        // Under a mixed policy γ and β stay float32, as the statistics: the layer computes in float32 (see CallCore).
        if (Scale) AddWeight("gamma", channels, new Ones(), autocast: false);
        if (Center) AddWeight("beta", channels, new Zeros(), autocast: false);
        AddWeight("moving_mean", channels, new Zeros(), trainable: false);
        AddWeight("moving_variance", channels, new Ones(), trainable: false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// The normalisation is libtorch's fused <c>batch_norm</c> (one kernel forward, one backward, instead of a graph of
    /// elementwise operations); the moving statistics follow Keras's rule, from the batch's biased variance. Under a
    /// mixed policy the input stays 16-bit while γ, β and the statistics are float32: libtorch accumulates in float32 and
    /// returns the input's dtype, as Keras computes batch normalisation in float32 for float16 and bfloat16 inputs.
    /// </remarks>
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        using var scope = torch.NewDisposeScope();
        bool batchStatistics = training && Trainable;
        if (batchStatistics)
        {
            using var noGrad = torch.no_grad();
            // Statistics in float32 also for 16-bit inputs (a bfloat16 mean keeps 3 significant digits).
            var values = DtypePolicy.IsHalf(inputs.dtype) ? inputs.to(torch.float32) : inputs;
            var axes = Enumerable.Range(0, (int)values.dim()).Where(a => a != 1).Select(a => (long)a).ToArray();
            var (variance, mean) = torch.var_mean(values, axes, unbiased: false, keepdim: false);
            movingMean!.mul_(Momentum).add_(mean.to(movingMean!.dtype), alpha: 1 - Momentum);
            double n = values.numel() / values.shape[1];
            double correction = UnbiasedMovingVariance && n > 1 ? n / (n - 1) : 1.0;
            movingVariance!.mul_(Momentum).add_(variance.to(movingVariance!.dtype), alpha: (1 - Momentum) * correction);
        }
        var output = torch.nn.functional.batch_norm(inputs, batchStatistics ? null : movingMean, batchStatistics ? null : movingVariance,
            gamma, beta, training: batchStatistics, momentum: 0, eps: Epsilon);
        return output.MoveToOuterDisposeScope();
    }
}

/// <summary>Configuration of a <see cref="BatchNormalization"/> layer.</summary>
/// <param name="Momentum">Momentum of the moving statistics.</param>
/// <param name="Epsilon">ε.</param>
/// <param name="Center">Whether β is learned.</param>
/// <param name="Scale">Whether γ is learned.</param>
/// <param name="Name">Layer name.</param>
public sealed record BatchNormalizationConfig(double Momentum, double Epsilon, bool Center, bool Scale, string? Name) : LayerConfig(Name)
{
    /// <summary>Gets a value indicating whether the moving variance takes the unbiased batch variance (PyTorch).</summary>
    public bool UnbiasedMovingVariance { get; init; }

    /// <inheritdoc />
    public override Layer CreateLayer() => new BatchNormalization(Momentum, Epsilon, Center, Scale, Name, UnbiasedMovingVariance);
}
