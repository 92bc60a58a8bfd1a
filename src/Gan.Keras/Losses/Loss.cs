using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>A Keras-style loss: <c>Call(yTrue, yPred)</c> returns the mean over the batch of per-example losses.</summary>
public abstract class Loss
{
    /// <summary>Computes the scalar loss (mean over all examples, Keras's "sum_over_batch_size"); float16 and bfloat16 predictions are cast to float32 first.</summary>
    /// <param name="yTrue">Targets, same shape as <paramref name="yPred"/>.</param>
    /// <param name="yPred">Predictions.</param>
    public torch.Tensor Call(torch.Tensor yTrue, torch.Tensor yPred) => Call(yTrue, yPred, sampleWeight: null);

    /// <summary>
    /// Computes the scalar loss with one weight per example, as Keras's <c>loss(y_true, y_pred, sample_weight)</c>: the
    /// weighted per-example losses are summed and divided by their number ("sum_over_batch_size"), so weights of 1 give
    /// <see cref="Call(torch.Tensor, torch.Tensor)"/>'s value.
    /// </summary>
    /// <param name="yTrue">Targets.</param>
    /// <param name="yPred">Predictions.</param>
    /// <param name="sampleWeight">One weight per example (<c>[batch]</c>), or null for none.</param>
    public torch.Tensor Call(torch.Tensor yTrue, torch.Tensor yPred, torch.Tensor? sampleWeight)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        CheckShapes(yTrue, yPred);
        // As Keras's losses: computed in float32 when a mixed-precision model hands over 16-bit predictions.
        using var scope = torch.NewDisposeScope();
        if (Layers.DtypePolicy.IsHalf(yPred.dtype)) yPred = yPred.to(torch.float32);
        if (Layers.DtypePolicy.IsHalf(yTrue.dtype)) yTrue = yTrue.to(torch.float32);
        var perExample = PerExample(yTrue, yPred);
        if (sampleWeight is null) return perExample.mean().MoveToOuterDisposeScope();
        if (sampleWeight.numel() != perExample.shape[0])
            throw new ArgumentException($"{GetType().Name}: got {sampleWeight.numel()} sample weights for a batch of {perExample.shape[0]}; pass one weight per example.", nameof(sampleWeight));
        var weights = sampleWeight.to(perExample.dtype, perExample.device).reshape(new long[] { perExample.shape[0] }.Concat(Enumerable.Repeat(1L, (int)perExample.dim() - 1)).ToArray());
        return (perExample * weights).mean().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Gets a loss by its Keras name, as <c>keras.losses.get</c>: <c>binary_crossentropy</c>,
    /// <c>categorical_crossentropy</c>, <c>sparse_categorical_crossentropy</c>, <c>mean_squared_error</c> (<c>mse</c>),
    /// <c>mean_absolute_error</c> (<c>mae</c>).
    /// </summary>
    /// <param name="identifier">The loss's Keras name.</param>
    /// <exception cref="ArgumentException">The name is not one of those.</exception>
    public static Loss Get(string identifier)
    {
        ArgumentNullException.ThrowIfNull(identifier);
        return identifier switch
        {
            "binary_crossentropy" => new BinaryCrossentropy(),
            "categorical_crossentropy" => new CategoricalCrossentropy(),
            "sparse_categorical_crossentropy" => new SparseCategoricalCrossentropy(),
            "mean_squared_error" or "mse" => new MeanSquaredError(),
            "mean_absolute_error" or "mae" => new MeanAbsoluteError(),
            _ => throw new ArgumentException($"Unknown loss '{identifier}'; use one of binary_crossentropy, categorical_crossentropy, sparse_categorical_crossentropy, mean_squared_error (mse), mean_absolute_error (mae), or pass a Loss object.", nameof(identifier)),
        };
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
