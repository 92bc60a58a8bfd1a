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
    private int epochs;
    private long stepsPerEpoch;

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

    /// <inheritdoc />
    public override void OnTrainBegin(TrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        epochs = context.Epochs;
        stepsPerEpoch = context.StepsPerEpoch;
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var model = Model ?? throw new InvalidOperationException("BackupAndRestore is used outside GanModel.Fit().");
        if (model.StopTraining) return;
        using var checkpoint = TrainingCheckpoint.Capture(model, epoch + 1, (epoch + 1) * stepsPerEpoch);
        manager.Save(checkpoint);
    }

    /// <inheritdoc />
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        bool completed = Model is not null && !Model.StopTraining && manager.Latest?.Epoch >= epochs;
        if (deleteCheckpoint && completed && Directory.Exists(manager.Directory)) Directory.Delete(manager.Directory, recursive: true);
    }

    internal override int? RestoreBeforeTraining()
    {
        RestoredEpoch = null;
        if (!CheckpointManager.Exists(manager.Directory)) return null;
        var model = Model ?? throw new InvalidOperationException("BackupAndRestore is used outside GanModel.Fit().");
        using var checkpoint = manager.LoadLatest();
        checkpoint.RestoreInto(model);
        RestoredEpoch = checkpoint.Epoch;
        return checkpoint.Epoch;
    }
}
