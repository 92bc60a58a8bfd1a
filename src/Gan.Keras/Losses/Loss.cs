using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>A Keras-style loss: <c>Call(yTrue, yPred)</c> returns the mean over the batch of per-example losses.</summary>
public abstract class Loss
{
    /// <summary>Computes the scalar loss (mean over all examples, Keras's "sum_over_batch_size"); float16 and bfloat16 predictions are cast to float32 first.</summary>
    /// <param name="yTrue">Targets, same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Predictions.</param>
    public torch.Tensor Call(torch.Tensor yTrue, torch.Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        CheckShapes(yTrue, yPred);
        // As Keras's losses: computed in float32 when a mixed-precision model hands over 16-bit predictions.
        using var scope = torch.NewDisposeScope();
        if (Layers.DtypePolicy.IsHalf(yPred.dtype)) yPred = yPred.to(torch.float32);
        if (Layers.DtypePolicy.IsHalf(yTrue.dtype)) yTrue = yTrue.to(torch.float32);
        var perExample = PerExample(yTrue, yPred);
        return perExample.mean().MoveToOuterDisposeScope();
    }

    /// <summary>Gets a value indicating whether <c>yPred</c> is a logit (unbounded score) rather than a probability.</summary>
    public virtual bool ExpectsLogits => false;

    /// <summary>Throws an <see cref="ArgumentException"/> when the targets do not fit the predictions; by default the shapes must be equal.</summary>
    protected virtual void CheckShapes(torch.Tensor yTrue, torch.Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (!yTrue.shape.SequenceEqual(yPred.shape))
            throw new ArgumentException($"{GetType().Name}: yTrue has shape [{string.Join(", ", yTrue.shape)}] but yPred has [{string.Join(", ", yPred.shape)}]; they must match.", nameof(yTrue));
    }

    /// <summary>Computes per-example losses (the last axis reduced by mean, as Keras does).</summary>
    protected abstract torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred);
}
