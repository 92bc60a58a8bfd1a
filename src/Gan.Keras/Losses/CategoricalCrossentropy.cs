using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// Categorical cross-entropy on one-hot (or soft) targets, as Keras's <c>CategoricalCrossentropy</c>:
/// <c>−Σ_k y_k · log p_k</c> per example over the last axis. With probabilities (<c>fromLogits: false</c>, Keras's
/// default) the predictions are first divided by their sum and clipped to [ε, 1−ε] (ε = 1e-7), as Keras does; with
/// logits, <c>log_softmax</c>.
/// </summary>
public sealed class CategoricalCrossentropy : Loss
{
    /// <summary>Initializes a new instance of the <see cref="CategoricalCrossentropy"/> class.</summary>
    /// <param name="fromLogits">Whether predictions are logits (true) or probabilities from a softmax (false, Keras's default).</param>
    /// <param name="labelSmoothing">Targets become <c>y·(1−s) + s/K</c>; in [0, 1].</param>
    public CategoricalCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "labelSmoothing must be in [0, 1].");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
    }

    /// <summary>Gets a value indicating whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Gets the label smoothing factor.</summary>
    public double LabelSmoothing { get; }

    /// <inheritdoc />
    public override bool ExpectsLogits => FromLogits;

    /// <inheritdoc />
    protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        long classes = yPred.shape[^1];
        var target = LabelSmoothing > 0 ? yTrue * (1 - LabelSmoothing) + LabelSmoothing / classes : yTrue;
        var logProbabilities = FromLogits ? torch.nn.functional.log_softmax(yPred, -1) : LogOfProbabilities(yPred);
        return (-(target * logProbabilities).sum(-1)).MoveToOuterDisposeScope();
    }

    /// <summary>Keras's probability path: normalise to sum 1, clip to [ε, 1−ε], log.</summary>
    internal static torch.Tensor LogOfProbabilities(torch.Tensor probabilities)
    {
        using var scope = torch.NewDisposeScope();
        var normalised = probabilities / probabilities.sum(-1, keepdim: true);
        return normalised.clamp(1e-7f, 1 - 1e-7f).log().MoveToOuterDisposeScope();
    }
}
