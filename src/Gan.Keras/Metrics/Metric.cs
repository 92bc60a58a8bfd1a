using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Metrics;

/// <summary>
/// A stateful metric, as Keras's <c>keras.metrics.Metric</c>: an update adds a batch to the state (<c>update_state</c>),
/// <see cref="Result"/> reads the value so far (<c>result</c>), <see cref="ResetState"/> starts again (<c>reset_state</c>,
/// at each epoch).
/// </summary>
/// <remarks>
/// The state lives on the device of the batches, in float32 scalars, as Keras's metric variables: an update never reads
/// the device, and <see cref="Result"/> returns a scalar tensor that the caller reads when it wants the number (at the
/// end of an epoch, for a progress bar). Subclasses create their state with <see cref="Variable"/>.
/// </remarks>
public abstract class Metric : IDisposable
{
    private readonly Dictionary<string, torch.Tensor> variables = new();

    /// <summary>Initializes a new instance of the <see cref="Metric"/> class.</summary>
    /// <param name="name">The name in logs and history; the snake-case type name when null (<c>binary_accuracy</c>).</param>
    protected Metric(string? name)
    {
        if (name is not null) ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name ?? Shapes.SnakeCase(GetType().Name);
    }

    /// <summary>Gets the metric's name in logs and history.</summary>
    public string Name { get; }

    /// <summary>Gets the value so far, as a new float32 scalar on the state's device (0 before any update); reading it is the caller's host read.</summary>
    public abstract torch.Tensor Result();

    /// <summary>Sets the state back to zero, as Keras's <c>reset_state</c>.</summary>
    public virtual void ResetState()
    {
        using var noGrad = torch.no_grad();
        foreach (var variable in variables.Values) variable.zero_();
    }

    /// <summary>Releases the state's tensors.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>
    /// Gets the state variable <paramref name="name"/> (a float32 scalar, zero when created) on <paramref name="device"/>,
    /// moving it there when the batches changed device. The variable outlives every dispose scope.
    /// </summary>
    /// <param name="name">The variable's name within the metric (<c>total</c>, <c>count</c>).</param>
    /// <param name="device">The device of the batch being added.</param>
    protected torch.Tensor Variable(string name, torch.Device device)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(device);
        if (variables.TryGetValue(name, out var existing) && existing.device_type == device.type && existing.device_index == device.index) return existing;
        // State lives across steps: created (or moved) outside any step's dispose scope.
        var created = existing is null ? torch.zeros(Array.Empty<long>(), torch.float32, device) : existing.to(device);
        created = created.DetachFromDisposeScope();
        if (existing is not null && !ReferenceEquals(existing, created)) existing.Dispose();
        variables[name] = created;
        return created;
    }

    /// <summary>Gets the state variable <paramref name="name"/>, or null before the first update.</summary>
    /// <param name="name">The variable's name within the metric.</param>
    protected torch.Tensor? FindVariable(string name) => variables.GetValueOrDefault(name);

    /// <summary>Releases the state's tensors.</summary>
    /// <param name="disposing">True when called from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        foreach (var variable in variables.Values) variable.Dispose();
        variables.Clear();
    }
}
