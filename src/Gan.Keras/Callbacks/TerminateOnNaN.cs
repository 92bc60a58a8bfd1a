using Gan.Keras.Internal;

namespace Gan.Keras.Callbacks;

/// <summary>Stops training as soon as a step logs NaN or infinity, as Keras's <c>TerminateOnNaN</c>.</summary>
public sealed class TerminateOnNaN : Callback
{
    private int epoch;

    /// <summary>Gets where training was stopped (epoch, batch and the offending key), or null while it has not been.</summary>
    public (int Epoch, int Batch, string Key)? TerminatedAt { get; private set; }

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch) => this.epoch = epoch;

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        foreach (var (key, value) in logs)
        {
            if (double.IsFinite(value)) continue;
            TerminatedAt = (epoch, batch, key);
            Warnings.Emit($"Epoch {epoch}, batch {batch}: invalid {key} ({value}), terminating training. Lower the learning rate or check the data for NaN.");
            if (Model is not null) Model.StopTraining = true;
            return;
        }
    }
}
