using Gan.Keras.Models;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Hooks into <see cref="GanModel.Fit"/>, with Keras's names. Logs hold plain numbers: per batch the step's values,
/// per epoch their means (<c>d_loss</c>, <c>g_loss</c>, <c>d_real</c>, <c>d_fake</c>, ...).
/// </summary>
public abstract class Callback
{
    /// <summary>Gets the model being trained; set before <see cref="OnTrainBegin"/>.</summary>
    public GanModel? Model { get; internal set; }

    /// <summary>
    /// Called by <see cref="GanModel.Fit"/> before <see cref="OnTrainBegin"/>: a callback that restores an interrupted
    /// run (<see cref="BackupAndRestore"/>) returns the epoch to continue at; others return null.
    /// </summary>
    internal virtual int? RestoreBeforeTraining() => null;

    /// <summary>Called once before the first epoch.</summary>
    public virtual void OnTrainBegin(TrainingContext context) { }

    /// <summary>Called once after the last epoch (also when training stops early).</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the start of each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>Called at the end of each epoch with the epoch's mean logs.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called before each training step; <paramref name="batch"/> counts from 0 within the epoch.</summary>
    public virtual void OnBatchBegin(int batch) { }

    /// <summary>Called after each training step with that step's logs.</summary>
    public virtual void OnBatchEnd(int batch, IReadOnlyDictionary<string, double> logs) { }
}

/// <summary>What a training run looks like, given to <see cref="Callback.OnTrainBegin"/>.</summary>
/// <param name="Epochs">The epoch index to stop before (the total, as Keras's <c>epochs</c>).</param>
/// <param name="InitialEpoch">The first epoch index of this run (non-zero when resuming).</param>
/// <param name="StepsPerEpoch">Batches per epoch.</param>
/// <param name="BatchSize">Examples per batch.</param>
public sealed record TrainingContext(int Epochs, int InitialEpoch, long StepsPerEpoch, int BatchSize);
