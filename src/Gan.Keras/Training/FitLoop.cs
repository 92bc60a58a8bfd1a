using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Models;
using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// The training loop behind <see cref="GanModel.Fit"/>: epochs, batches, callbacks, and the step logs kept on the
/// device (Keras 3 keeps this in its <c>Trainer</c>, apart from the model; the one update lives in
/// <see cref="GanModel.TrainStep"/>).
/// </summary>
/// <remarks>
/// An epoch reads nothing back from the device unless asked: the step's values are summed on the device, read once at
/// the epoch's end, and otherwise only when a callback reads a <see cref="BatchLogs"/> (a progress bar a few times a
/// second, or a callback that wants every step's values).
/// </remarks>
internal static class FitLoop
{
    public static History Run(GanModel gan, Dataset dataset, int epochs, int batchSize, IEnumerable<Callback>? callbacks, bool shuffle, int initialEpoch, DataParallel? distributed = null)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        if (!gan.IsCompiled) throw new InvalidOperationException("Call Compile() before Fit().");
        gan.PrepareToFit(dataset);
        // Each critic update takes its own slice of real data: one step consumes DiscriminatorSteps batches.
        int examplesPerStep = checked(batchSize * gan.DiscriminatorSteps);
        var history = new History();
        var all = new List<Callback> { history };
        all.AddRange(distributed?.CallbacksOfThisRank(callbacks ?? Array.Empty<Callback>()) ?? callbacks ?? Array.Empty<Callback>());
        foreach (var callback in all) callback.Model = gan;
        long steps = distributed?.Shard(batchSize, gan.DiscriminatorSteps).StepCount(dataset.Count) ?? dataset.BatchCount(examplesPerStep, dropRemainder: true);
        if (steps == 0 && distributed is not null)
            throw new ArgumentException($"Dataset '{dataset.Name}' has {dataset.Count} examples, fewer than one step of {distributed.Size} ranks × {examplesPerStep} examples per rank; use a per-rank batch of at most {dataset.Count / ((long)distributed.Size * gan.DiscriminatorSteps)}.", nameof(batchSize));
        if (steps == 0) dataset.GetBatches(examplesPerStep); // throws the clear error about the batch size
        gan.StopTraining = false;
        // A callback such as BackupAndRestore may restore an interrupted run and move the first epoch forward.
        foreach (var callback in all)
            if (callback.RestoreBeforeTraining() is int restoredEpoch) initialEpoch = Math.Max(initialEpoch, restoredEpoch);
        // Data-parallel: every rank starts from rank 0's state and epoch, draws its noise slice, averages its gradients.
        if (distributed is not null) initialEpoch = distributed.Synchronize(gan, initialEpoch);
        using var parallel = distributed?.Attach(gan);
        var context = new TrainingContext(epochs, initialEpoch, steps, batchSize);
        foreach (var callback in all) callback.OnTrainBegin(context);
        IReadOnlyDictionary<string, double> epochLogs = new Dictionary<string, double>();
        using var accumulator = new StepLogAccumulator();
        for (int epoch = initialEpoch; epoch < epochs && !gan.StopTraining; epoch++)
        {
            foreach (var callback in all) callback.OnEpochBegin(epoch);
            accumulator.Reset();
            int count = 0;
            foreach (var batch in distributed?.EpochBatches(dataset, batchSize, gan.DiscriminatorSteps, shuffle, gan.RandomGenerator) ?? gan.BatchesOfEpoch(dataset, examplesPerStep, shuffle))
            {
                foreach (var callback in all) callback.OnBatchBegin(count);
                using (var scope = torch.NewDisposeScope())
                {
                    var logs = accumulator.Add(gan.TrainStep(gan.ToDevice(batch)));
                    foreach (var callback in all) callback.OnBatchEnd(count, logs);
                    logs.Release();
                }
                batch.Features.Dispose();
                batch.Labels?.Dispose();
                count++;
                if (distributed?.StopAfterStep(gan, count) ?? gan.StopTraining) break;
            }
            epochLogs = distributed?.AverageLogs(accumulator.ReadMeans()) ?? accumulator.ReadMeans();
            foreach (var callback in all) callback.OnEpochEnd(epoch, epochLogs);
            if (distributed is not null) gan.StopTraining = distributed.AgreeToStop(gan.StopTraining);
        }
        foreach (var callback in all) callback.OnTrainEnd(epochLogs);
        return history;
    }
}
