using TorchSharp;

namespace Gan.Keras.Metrics;

/// <summary>
/// How often the highest-scoring class is the target's, for one-hot targets, as Keras's
/// <c>keras.metrics.CategoricalAccuracy</c>: the fraction of examples with <c>argmax ŷ = argmax y</c> over the last axis.
/// </summary>
public sealed class CategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Initializes a new instance of the <see cref="CategoricalAccuracy"/> class.</summary>
    /// <param name="name">The name in logs; <c>categorical_accuracy</c> by default.</param>
    public CategoricalAccuracy(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    protected override torch.Tensor Compute(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        var (t, p) = SameShape(yTrue, yPred);
        return (p.argmax(-1) == t.argmax(-1)).to(torch.float32).MoveToOuterDisposeScope();
    }
}
