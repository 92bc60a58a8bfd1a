using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Models;
using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// The training loop behind <see cref="GanModel.Fit"/>: epochs, batches, callbacks, and the step logs kept on the
/// device (Keras 3 keeps this in its <c>Trainer</c>, apart from the model; the one update is
/// <see cref="Training.GanTrainer.TrainStep"/>). Callbacks see the run through an <see cref="ITrainingContext"/>, not the model.
/// </summary>
/// <remarks>
/// An epoch reads nothing back from the device unless asked: the step's values are summed on the device, read once at
/// the epoch's end, and otherwise only when a callback reads a <see cref="BatchLogs"/> (a progress bar a few times a
/// second, or a callback that wants every step's values).
/// </remarks>
internal static class FitLoop
{
    public static History Run(GanModel gan, Dataset dataset, int epochs, int batchSize, IEnumerable<Callback>? callbacks, bool shuffle, int initialEpoch, DataParallel? distributed = null, FitVerbosity verbose = FitVerbosity.Auto)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        if (!Enum.IsDefined(verbose)) throw new ArgumentOutOfRangeException(nameof(verbose), verbose, "Use FitVerbosity.Auto, Silent (0), ProgressBar (1) or OneLinePerEpoch (2).");
        if (!gan.IsCompiled) throw new InvalidOperationException("Call Compile() before Fit().");
        FitChecks.CheckDataShape(gan, dataset.ElementShape);
        if (gan.ScoreRealAndFakeTogether) FitChecks.CheckNoBatchMixingLayer(gan.Discriminator);
        // Each critic update takes its own slice of real data: one step consumes DiscriminatorSteps batches (one when the critic reuses it).
        int examplesPerStep = checked(batchSize * gan.RealBatchesPerStep);
        var history = new History();
        var all = new List<Callback> { history };
        var given = WithProgress(callbacks?.ToList() ?? new List<Callback>(), verbose);
        all.AddRange(distributed?.CallbacksOfThisRank(given) ?? given);
        long steps = distributed?.Shard(batchSize, gan.RealBatchesPerStep).StepCount(dataset.Count) ?? dataset.BatchCount(examplesPerStep, dropRemainder: true);
        if (steps == 0 && distributed is not null)
            throw new ArgumentException($"Dataset '{dataset.Name}' has {dataset.Count} examples, fewer than one step of {distributed.Size} ranks × {examplesPerStep} examples per rank; use a per-rank batch of at most {dataset.Count / ((long)distributed.Size * gan.RealBatchesPerStep)}.", nameof(batchSize));
        if (steps == 0) dataset.GetBatches(examplesPerStep); // throws the clear error about the batch size
        gan.StopTraining = false;
        var context = new Context(gan, epochs, initialEpoch, steps, batchSize);
        foreach (var callback in all) callback.Context = context;
        // A callback such as BackupAndRestore may resume an interrupted run here and move the first epoch forward.
        // Data-parallel: rank 0 does so first, then every rank takes rank 0's state and epoch, and the others begin.
        if (distributed?.IsPrimary ?? true)
            foreach (var callback in all) callback.OnTrainBegin(context);
        if (distributed is not null) context.ContinueAt(distributed.Synchronize(gan, context.InitialEpoch));
        if (distributed is { IsPrimary: false })
            foreach (var callback in all) callback.OnTrainBegin(context);
        using var parallel = distributed?.Attach(gan);
        IReadOnlyDictionary<string, double> epochLogs = new Dictionary<string, double>();
        using var accumulator = new StepLogAccumulator();
        for (int epoch = context.InitialEpoch; epoch < epochs && !gan.StopTraining; epoch++)
        {
            foreach (var callback in all) callback.OnEpochBegin(epoch);
            accumulator.Reset();
            int count = 0;
            foreach (var batch in distributed?.EpochBatches(dataset, batchSize, gan.RealBatchesPerStep, shuffle, gan.RandomGenerator) ?? gan.EpochBatches(dataset, examplesPerStep, shuffle))
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
        foreach (var callback in all) callback.Context = null;
        return history;
    }

    /// <summary>The callbacks with Keras's progress printer first, as <paramref name="verbose"/> asks, unless they have one.</summary>
    internal static List<Callback> WithProgress(List<Callback> callbacks, FitVerbosity verbose)
    {
        if (verbose == FitVerbosity.Silent || callbacks.Any(c => c is ProgbarLogger)) return callbacks;
        bool? interactive = verbose switch
        {
            FitVerbosity.ProgressBar => true,
            FitVerbosity.OneLinePerEpoch => false,
            _ => null,
        };
        callbacks.Insert(0, new ProgbarLogger(interactive: interactive));
        return callbacks;
    }

    /// <summary>The run as callbacks see it.</summary>
    private sealed class Context(GanModel gan, int epochs, int initialEpoch, long stepsPerEpoch, int batchSize) : ITrainingContext
    {
        public int Epochs => epochs;

        public int InitialEpoch { get; private set; } = initialEpoch;

        public long StepsPerEpoch => stepsPerEpoch;

        public int BatchSize => batchSize;

        public int LatentDim => gan.LatentDim;

        public Optimizers.Optimizer DiscriminatorOptimizer => gan.DiscriminatorOptimizer;

        public Optimizers.Optimizer GeneratorOptimizer => gan.GeneratorOptimizer;

        public Losses.GanLoss Loss => gan.Loss;

        public bool StopTraining
        {
            get => gan.StopTraining;
            set => gan.StopTraining = value;
        }

        public torch.Tensor Generate(torch.Tensor latent) => gan.GenerateFrom(latent);

        public (double Low, double High) OutputRange => gan.OutputRange;

        public double GeneratorGradientRms(torch.Tensor latent) => GeneratorGradient.Rms(gan, latent);

        public IReadOnlyList<string> NonFiniteWeights() => TrainingState.NonFiniteWeights(gan);

        public TrainingCheckpoint Capture(int epoch, long step, torch.Tensor? fixedNoise = null, IReadOnlyDictionary<string, string>? metadata = null) =>
            TrainingCheckpoint.Capture(gan, epoch, step, fixedNoise, TrainingCheckpoint.WithArchitecture(gan, metadata));

        public void Resume(TrainingCheckpoint checkpoint)
        {
            ArgumentNullException.ThrowIfNull(checkpoint);
            checkpoint.RestoreInto(gan);
            InitialEpoch = Math.Max(InitialEpoch, checkpoint.Epoch);
        }

        /// <summary>Continues at rank 0's first epoch (data-parallel).</summary>
        public void ContinueAt(int epoch) => InitialEpoch = epoch;
    }
}
