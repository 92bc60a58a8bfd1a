using System.Collections;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Callbacks;

/// <summary>
/// What <see cref="Callback.OnBatchEnd"/> receives: one training step's logged values (<c>d_loss</c>, <c>g_loss</c>,
/// ...), kept on the device. Nothing is read to the host unless a callback asks: enumerating or indexing this
/// dictionary reads the step's values (one device-to-host copy), and <see cref="EpochMeans"/> reads the running means
/// of the epoch so far. Progress bars read a few times a second, not every step, as Keras's
/// <c>steps_per_execution</c> and Lightning's deferred logging do.
/// </summary>
/// <remarks>Valid only during <see cref="Callback.OnBatchEnd"/>: the device values are released when it returns.</remarks>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1710", Justification = "Keras calls a step's values 'logs'; the type is read as a dictionary, not used as a collection.")]
public sealed class BatchLogs : IReadOnlyDictionary<string, double>
{
    private readonly StepLogAccumulator accumulator;
    private readonly torch.Tensor stepValues;
    private Dictionary<string, double>? values;
    private bool released;

    internal BatchLogs(StepLogAccumulator accumulator, torch.Tensor stepValues)
    {
        this.accumulator = accumulator;
        this.stepValues = stepValues;
    }

    /// <summary>Gets the names of the logged values, in order.</summary>
    public IReadOnlyList<string> Names => accumulator.Keys;

    /// <summary>
    /// Gets the step's values as one device tensor <c>[Names.Count]</c> (aligned with <see cref="Names"/>), without a
    /// host read. Valid during <see cref="Callback.OnBatchEnd"/>; clone and detach it from the dispose scope to keep it.
    /// </summary>
    public torch.Tensor StepValues
    {
        get
        {
            ObjectDisposedException.ThrowIf(released, this);
            return stepValues;
        }
    }

    /// <inheritdoc />
    public int Count => Names.Count;

    /// <inheritdoc />
    public IEnumerable<string> Keys => Names;

    /// <inheritdoc />
    IEnumerable<double> IReadOnlyDictionary<string, double>.Values => Read().Values;

    /// <inheritdoc />
    public double this[string key] => Read()[key];

    /// <summary>Reads the means of every logged value over the epoch's steps so far (a host read, shared by all callbacks of the step).</summary>
    public IReadOnlyDictionary<string, double> EpochMeans()
    {
        ObjectDisposedException.ThrowIf(released, this);
        return accumulator.ReadMeans();
    }

    /// <inheritdoc />
    public bool ContainsKey(string key) => Names.Contains(key);

    /// <inheritdoc />
    public bool TryGetValue(string key, out double value) => Read().TryGetValue(key, out value);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, double>> GetEnumerator() => Read().GetEnumerator();

    /// <inheritdoc />
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal void Release() => released = true;

    private Dictionary<string, double> Read()
    {
        if (values is not null) return values;
        ObjectDisposedException.ThrowIf(released, this);
        values = StepLogAccumulator.ToDictionary(Names, HostReads.Read(stepValues));
        return values;
    }
}
