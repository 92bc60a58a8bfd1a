using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Backs the training state up at the end of every epoch and, when <see cref="Models.GanModel.Fit"/> starts again
/// after an interruption, restores it and continues at the next epoch: Keras's <c>BackupAndRestore</c>. Call
/// <c>Fit</c> with the same arguments as before; the epochs already done are skipped.
/// </summary>
public sealed class BackupAndRestore : Callback
{
    private readonly CheckpointManager manager;
    private readonly bool deleteCheckpoint;

    /// <summary>Initializes a new instance of the <see cref="BackupAndRestore"/> class.</summary>
    /// <param name="backupDirectory">Where the backup lives (one checkpoint, overwritten each epoch).</param>
    /// <param name="deleteCheckpoint">Whether to delete the backup when training completes (Keras's default).</param>
    public BackupAndRestore(string backupDirectory, bool deleteCheckpoint = true)
    {
        manager = new CheckpointManager(backupDirectory, keep: 1);
        this.deleteCheckpoint = deleteCheckpoint;
    }

    /// <summary>Gets the epoch training was restored at, or null when it started fresh.</summary>
    public int? RestoredEpoch { get; private set; }

    /// <summary>Restores the backup, when there is one, through the one resume path (<see cref="ITrainingContext.Resume"/>).</summary>
    public override void OnTrainBegin(ITrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        RestoredEpoch = null;
        if (!CheckpointManager.Exists(manager.Directory)) return;
        using var checkpoint = manager.LoadLatest();
        context.Resume(checkpoint);
        RestoredEpoch = checkpoint.Epoch;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var context = Context ?? throw new InvalidOperationException("BackupAndRestore is used outside GanModel.Fit().");
        if (context.StopTraining) return;
        using var checkpoint = context.Capture(epoch + 1, (epoch + 1) * context.StepsPerEpoch);
        manager.Save(checkpoint);
    }

    /// <inheritdoc />
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        bool completed = Context is { StopTraining: false } context && manager.Latest?.Epoch >= context.Epochs;
        if (deleteCheckpoint && completed && Directory.Exists(manager.Directory)) Directory.Delete(manager.Directory, recursive: true);
    }
}
