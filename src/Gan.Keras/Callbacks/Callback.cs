using Gan.Keras.Training;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Hooks into <see cref="Models.GanModel.Fit"/>, with Keras's names. Per epoch, logs hold the means of the logged values
/// (<c>d_loss</c>, <c>g_loss</c>, <c>d_real</c>, <c>d_fake</c>, ...) as plain numbers; per batch, a
/// <see cref="BatchLogs"/> keeps the step's values on the device until a callback reads them, so that an epoch runs
/// without waiting for the device unless someone looks.
/// </summary>
public abstract class Callback
{
    /// <summary>Gets the run being trained; set before <see cref="OnTrainBegin"/>, null outside <c>Fit</c>.</summary>
    public ITrainingContext? Context { get; internal set; }

    /// <summary>
    /// Gets a value indicating whether a data-parallel <see cref="Models.GanModel.Fit"/> runs this callback on every rank
    /// (callbacks that change training, such as <see cref="LearningRateScheduler"/>, which every rank must apply alike);
    /// false, the default, runs it on rank 0 only (callbacks that write files or print, which rank 0 does for the run).
    /// </summary>
    public virtual bool RunsOnEveryRank => false;

    /// <summary>Called once before the first epoch (the same object as <see cref="Context"/>). A callback that restores an interrupted run calls <see cref="ITrainingContext.Resume"/> here.</summary>
    public virtual void OnTrainBegin(ITrainingContext context) { }

    /// <summary>Called once after the last epoch (also when training stops early).</summary>
    public virtual void OnTrainEnd(IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called at the start of each epoch (0-based).</summary>
    public virtual void OnEpochBegin(int epoch) { }

    /// <summary>Called at the end of each epoch with the epoch's mean logs.</summary>
    public virtual void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) { }

    /// <summary>Called before each training step; <paramref name="batch"/> counts from 0 within the epoch.</summary>
    public virtual void OnBatchBegin(int batch) { }

    /// <summary>
    /// Called after each training step with that step's logs, still on the device. Reading them (indexing,
    /// enumerating, <see cref="BatchLogs.EpochMeans"/>) copies them to the host and makes the loop wait for the
    /// device: read every step only when you need every step's value, otherwise a few times a second.
    /// </summary>
    public virtual void OnBatchEnd(int batch, BatchLogs logs) { }
}
