using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Records operations for differentiation, as TensorFlow's <c>tf.GradientTape</c>, on top of libtorch's autograd.
/// <code>
/// using var tape = new GradientTape();
/// var loss = lossFn.Call(y, model.Call(x, training: true));
/// var grads = tape.Gradient(loss, model.TrainableVariables);
/// optimizer.ApplyGradients(grads, model.TrainableVariables);
/// </code>
/// </summary>
/// <remarks>
/// libtorch records every operation on tensors that require gradients; the tape turns recording on for its lifetime
/// (even inside <c>torch.no_grad()</c>) and computes gradients with <c>torch.autograd.grad</c>, without copies.
/// </remarks>
public sealed class GradientTape : IDisposable
{
    private readonly IDisposable gradMode;
    private bool used;
    private bool disposed;

    /// <summary>Initializes a new instance of the <see cref="GradientTape"/> class.</summary>
    /// <param name="persistent">Whether <see cref="Gradient"/> may be called more than once (the graph is then kept).</param>
    public GradientTape(bool persistent = false)
    {
        Persistent = persistent;
        gradMode = torch.enable_grad();
    }

    /// <summary>Gets a value indicating whether several gradient computations are allowed.</summary>
    public bool Persistent { get; }

    /// <summary>Starts tracking a tensor that is not a variable (an input), so gradients with respect to it can be taken.</summary>
    public torch.Tensor Watch(torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (!tensor.requires_grad) tensor.requires_grad_(true);
        return tensor;
    }

    /// <summary>Computes the gradient of <paramref name="target"/> (summed if it is not a scalar) with respect to each source.</summary>
    /// <param name="target">The value to differentiate, usually a scalar loss.</param>
    /// <param name="sources">Variables or watched tensors.</param>
    /// <param name="createGraph">Whether to record the gradient computation itself, for higher-order derivatives (gradient penalties).</param>
    /// <returns>One new gradient per source; a source that does not affect the target gets zeros.</returns>
    public IReadOnlyList<torch.Tensor> Gradient(torch.Tensor target, IReadOnlyList<torch.Tensor> sources, bool createGraph = false)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(sources);
        ObjectDisposedException.ThrowIf(disposed, this);
        if (used && !Persistent)
            throw new InvalidOperationException("This GradientTape already computed gradients once. Create it with persistent: true to call Gradient() several times.");
        if (!target.requires_grad)
            throw new InvalidOperationException("The target does not depend on any variable being trained: compute it inside the tape from the model's output (and check the model is Trainable).");
        used = true;
        if (sources.Count == 0) return Array.Empty<torch.Tensor>();
        using var scalar = target.numel() == 1 ? target.reshape() : target.sum();
        // TorchSharp's grad does not default retain_graph to create_graph as PyTorch does; pass both explicitly.
        var grads = torch.autograd.grad(new[] { scalar }, sources.ToArray(), retain_graph: Persistent || createGraph, create_graph: createGraph, allow_unused: true);
        var result = new torch.Tensor[sources.Count];
        for (int i = 0; i < sources.Count; i++)
        {
            var grad = grads[i];
            result[i] = grad is null || grad.IsInvalid ? torch.zeros_like(sources[i]) : grad;
        }
        return result;
    }

    /// <summary>Stops recording.</summary>
    public void Dispose()
    {
        if (disposed) return;
        disposed = true;
        gradMode.Dispose();
    }
}
