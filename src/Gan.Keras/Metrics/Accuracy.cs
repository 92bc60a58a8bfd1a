using TorchSharp;

namespace Gan.Keras.Metrics;

/// <summary>
/// How often predictions equal targets exactly, as Keras's <c>keras.metrics.Accuracy</c>: the fraction of elements with
/// <c>ŷ = y</c>. For class scores use <see cref="SparseCategoricalAccuracy"/> or <see cref="CategoricalAccuracy"/>; for
/// probabilities of one class, <see cref="BinaryAccuracy"/> (what Keras's <c>metrics=['accuracy']</c> picks from the loss).
/// </summary>
public sealed class Accuracy : MeanMetricWrapper
{
    /// <summary>Initializes a new instance of the <see cref="Accuracy"/> class.</summary>
    /// <param name="name">The name in logs; <c>accuracy</c> by default.</param>
    public Accuracy(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    protected override torch.Tensor Compute(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        var (t, p) = SameShape(yTrue, yPred);
        return (p == t.to(p.dtype)).to(torch.float32).MoveToOuterDisposeScope();
    }
}
