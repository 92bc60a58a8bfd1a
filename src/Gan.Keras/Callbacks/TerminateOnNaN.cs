using System.Globalization;
using Gan.Keras.Internal;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Stops training as soon as a step logs NaN or infinity, as Keras's <c>TerminateOnNaN</c>, and at the end of each epoch
/// also when a weight holds one. Put it before <see cref="ModelCheckpoint"/>: the epoch it stops is then not saved, so
/// the newest checkpoint is the last good one.
/// </summary>
/// <remarks>
/// Checking reads logged values from the device. With <c>checkEvery</c> = n &gt; 1 it reads the epoch's running means
/// every n steps instead of every step: a NaN or infinity in any step since the epoch began shows in them, so training
/// stops at most n − 1 steps late, without a device wait per step. The epoch's means are checked at its end too, so the
/// last steps of an epoch are never missed. The weight check (one device read per epoch) catches an update that made a
/// weight non-finite after the epoch's last logged loss.
/// </remarks>
public sealed class TerminateOnNaN : Callback
{
    private readonly int checkEvery;
    private readonly bool checkWeights;
    private int epoch;
    private int lastBatch;

    /// <summary>Initializes a new instance of the <see cref="TerminateOnNaN"/> class.</summary>
    /// <param name="checkEvery">Check after every n-th step of an epoch (1: every step, as Keras).</param>
    /// <param name="checkWeights">Whether to check every weight of both networks at the end of each epoch.</param>
    public TerminateOnNaN(int checkEvery = 1, bool checkWeights = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkEvery);
        this.checkEvery = checkEvery;
        this.checkWeights = checkWeights;
    }

    /// <summary>Gets where training was stopped (epoch and batch, 0-based, and the offending logged value or weight name), or null while it has not been.</summary>
    public (int Epoch, int Batch, string Key)? TerminatedAt { get; private set; }

    /// <summary>Gets the warning given when training was stopped (also sent to <see cref="Warnings.Handler"/>), or null.</summary>
    public string? Reason { get; private set; }

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch)
    {
        this.epoch = epoch;
        lastBatch = -1;
    }

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        lastBatch = batch;
        if (TerminatedAt is not null || (batch + 1) % checkEvery != 0) return;
        var values = checkEvery == 1 ? (IReadOnlyDictionary<string, double>)logs : logs.EpochMeans();
        string when = checkEvery == 1
            ? string.Create(CultureInfo.InvariantCulture, $"batch {batch + 1}")
            : string.Create(CultureInfo.InvariantCulture, $"batch {batch + 1} (or up to {checkEvery - 1} batches before)");
        CheckValues(values, batch, when);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (TerminatedAt is not null) return;
        if (CheckValues(logs, lastBatch, string.Create(CultureInfo.InvariantCulture, $"by batch {lastBatch + 1}"))) return;
        if (!checkWeights || Context is null) return;
        var bad = Context.NonFiniteWeights();
        if (bad.Count == 0) return;
        string more = bad.Count == 1 ? string.Empty : string.Create(CultureInfo.InvariantCulture, $" and {bad.Count - 1} more");
        Stop(lastBatch, bad[0], string.Create(CultureInfo.InvariantCulture,
            $"Epoch {epoch + 1}: weight '{bad[0]}'{more} holds NaN or infinity, terminating training. Lower the learning rate."));
    }

    private bool CheckValues(IReadOnlyDictionary<string, double> values, int batch, string when)
    {
        foreach (var (key, value) in values)
        {
            if (double.IsFinite(value)) continue;
            Stop(batch, key, string.Create(CultureInfo.InvariantCulture,
                $"Epoch {epoch + 1}, {when}: invalid {key} ({value}), terminating training. Lower the learning rate or check the data for NaN."));
            return true;
        }
        return false;
    }

    private void Stop(int batch, string key, string reason)
    {
        TerminatedAt = (epoch, batch, key);
        Reason = reason;
        Warnings.Emit(reason);
        if (Context is not null) Context.StopTraining = true;
    }
}
