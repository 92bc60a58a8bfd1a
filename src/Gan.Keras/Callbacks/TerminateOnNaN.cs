using Gan.Keras.Internal;

namespace Gan.Keras.Callbacks;

/// <summary>Stops training as soon as a step logs NaN or infinity, as Keras's <c>TerminateOnNaN</c>.</summary>
/// <remarks>
/// Checking reads logged values from the device. With <c>checkEvery</c> = n &gt; 1 it reads the epoch's running means
/// every n steps instead of every step: a NaN or infinity in any step since the epoch began shows in them, so training
/// stops at most n − 1 steps late, without a device wait per step.
/// </remarks>
public sealed class TerminateOnNaN : Callback
{
    private readonly int checkEvery;
    private int epoch;

    /// <summary>Initializes a new instance of the <see cref="TerminateOnNaN"/> class.</summary>
    /// <param name="checkEvery">Check after every n-th step of an epoch (1: every step, as Keras).</param>
    public TerminateOnNaN(int checkEvery = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkEvery);
        this.checkEvery = checkEvery;
    }

    /// <summary>Gets where training was stopped (epoch, batch and the offending key), or null while it has not been.</summary>
    public (int Epoch, int Batch, string Key)? TerminatedAt { get; private set; }

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch) => this.epoch = epoch;

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if ((batch + 1) % checkEvery != 0) return;
        var values = checkEvery == 1 ? (IReadOnlyDictionary<string, double>)logs : logs.EpochMeans();
        foreach (var (key, value) in values)
        {
            if (double.IsFinite(value)) continue;
            TerminatedAt = (epoch, batch, key);
            string when = checkEvery == 1 ? $"batch {batch}" : $"batch {batch} (or up to {checkEvery - 1} batches before)";
            Warnings.Emit($"Epoch {epoch}, {when}: invalid {key} ({value}), terminating training. Lower the learning rate or check the data for NaN.");
            if (Context is not null) Context.StopTraining = true;
            return;
        }
    }
}
