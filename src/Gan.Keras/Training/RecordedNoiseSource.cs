using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Replays recorded random draws in order, so a training run can consume exactly the noise another framework used
/// (a golden trace's <c>z</c> and <c>alpha</c>). Each draw must match the next recorded tensor's kind and shape.
/// </summary>
public sealed class RecordedNoiseSource : NoiseSource, IDisposable
{
    private readonly Queue<(string Kind, torch.Tensor Values)> queue = new();

    /// <summary>Gets the number of recorded draws not consumed yet.</summary>
    public int Remaining => queue.Count;

    /// <summary>Records the next normal draw (a copy is kept).</summary>
    public void EnqueueNormal(torch.Tensor values) => Enqueue("normal", values);

    /// <summary>Records the next uniform draw (a copy is kept).</summary>
    public void EnqueueUniform(torch.Tensor values) => Enqueue("uniform", values);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The next recorded draw is not a normal draw of this shape, or none is left.</exception>
    public override torch.Tensor Normal(long[] shape) => Dequeue("normal", shape);

    /// <inheritdoc />
    /// <exception cref="InvalidOperationException">The next recorded draw is not a uniform draw of this shape, or none is left.</exception>
    public override torch.Tensor Uniform(long[] shape) => Dequeue("uniform", shape);

    /// <summary>Releases the draws not consumed.</summary>
    public void Dispose()
    {
        while (queue.Count > 0) queue.Dequeue().Values.Dispose();
    }

    private void Enqueue(string kind, torch.Tensor values)
    {
        ArgumentNullException.ThrowIfNull(values);
        // Recorded draws outlive the training steps that consume them: keep float32 CPU copies outside any dispose scope.
        queue.Enqueue((kind, values.detach().to(torch.float32).cpu().clone().DetachFromDisposeScope()));
    }

    private torch.Tensor Dequeue(string kind, long[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (queue.Count == 0)
            throw new InvalidOperationException($"RecordedNoiseSource has no recorded draw left for a {kind} draw of shape {Shapes.Format(shape)}. Record one draw per use (latent vectors and penalty coefficients, in training order).");
        var (nextKind, values) = queue.Peek();
        if (nextKind != kind || !values.shape.SequenceEqual(shape))
            throw new InvalidOperationException($"RecordedNoiseSource: training asked for a {kind} draw of shape {Shapes.Format(shape)}, but the next recorded draw is {nextKind} {Shapes.Format(values.shape)}. Record draws in the order training consumes them.");
        queue.Dequeue();
        using (values)
            return values.clone(); // created in the caller's dispose scope, like any other draw

    }
}
