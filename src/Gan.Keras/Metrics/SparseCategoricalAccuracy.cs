using TorchSharp;

namespace Gan.Keras.Metrics;

/// <summary>
/// How often the highest-scoring class is the integer target, as Keras's <c>keras.metrics.SparseCategoricalAccuracy</c>:
/// the fraction of examples with <c>argmax ŷ = y</c>, for class scores <c>[batch, classes]</c> (probabilities or logits)
/// and labels <c>[batch]</c> or <c>[batch, 1]</c>. AC-GAN's auxiliary classifier reports it.
/// </summary>
public sealed class SparseCategoricalAccuracy : MeanMetricWrapper
{
    /// <summary>Initializes a new instance of the <see cref="SparseCategoricalAccuracy"/> class.</summary>
    /// <param name="name">The name in logs; <c>sparse_categorical_accuracy</c> by default.</param>
    public SparseCategoricalAccuracy(string? name = null) : base(name)
    {
    }

    /// <inheritdoc />
    protected override torch.Tensor Compute(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        var labels = yTrue.dim() == yPred.dim() && yTrue.shape[^1] == 1 ? yTrue.squeeze(-1) : yTrue;
        if (yPred.dim() < 1 || !labels.shape.AsSpan().SequenceEqual(yPred.shape.AsSpan(0, yPred.shape.Length - 1)))
            throw new ArgumentException($"Metric '{Name}': labels of shape [{string.Join(", ", yTrue.shape)}] do not fit class scores of shape [{string.Join(", ", yPred.shape)}]; give one integer label per example ([batch]) and scores [batch, classes].", nameof(yTrue));
        return (yPred.argmax(-1) == labels.to(torch.int64)).to(torch.float32).MoveToOuterDisposeScope();
    }
}
