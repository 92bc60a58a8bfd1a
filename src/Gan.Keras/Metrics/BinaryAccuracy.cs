using TorchSharp;

namespace Gan.Keras.Metrics;

/// <summary>
/// How often a thresholded probability matches a binary target, as Keras's <c>keras.metrics.BinaryAccuracy</c>: the
/// fraction of elements with <c>[ŷ &gt; threshold] = y</c>, threshold 0.5. The Keras-GAN examples report the
/// discriminator's accuracy with it (<c>metrics=['accuracy']</c> on a sigmoid output).
/// </summary>
/// <remarks>The comparison is strict, as Keras's: a prediction of exactly 0.5 counts as 0. On logits (a discriminator
/// without a sigmoid) pass <c>threshold: 0</c>.</remarks>
public sealed class BinaryAccuracy : MeanMetricWrapper
{
    /// <summary>Initializes a new instance of the <see cref="BinaryAccuracy"/> class.</summary>
    /// <param name="threshold">Predictions above it count as 1; Keras's 0.5 by default.</param>
    /// <param name="name">The name in logs; <c>binary_accuracy</c> by default.</param>
    public BinaryAccuracy(double threshold = 0.5, string? name = null) : base(name)
    {
        if (!double.IsFinite(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "threshold must be a finite number.");
        Threshold = threshold;
    }

    /// <summary>Gets the threshold above which a prediction counts as 1.</summary>
    public double Threshold { get; }

    /// <inheritdoc />
    protected override torch.Tensor Compute(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        var (t, p) = SameShape(yTrue, yPred);
        var predicted = (p > Threshold).to(torch.float32);
        return (predicted == t.to(torch.float32)).to(torch.float32).MoveToOuterDisposeScope();
    }
}
