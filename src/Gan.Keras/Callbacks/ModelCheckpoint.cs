using System.Globalization;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Saves a full <see cref="TrainingCheckpoint"/> (weights, optimizers, epoch, random states, fixed noise) every
/// <c>every</c> epochs through a <see cref="CheckpointManager"/>, keeping the newest <c>keep</c>: Keras's
/// <c>ModelCheckpoint</c> for GANs. Each write is atomic and recorded with its SHA-256.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly int every;
    private readonly torch.Tensor? fixedNoise;
    private readonly IReadOnlyDictionary<string, string>? metadata;
    private readonly Action<string>? log;

    /// <summary>Initializes a new instance of the <see cref="ModelCheckpoint"/> class.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="keep">How many checkpoints to keep.</param>
    /// <param name="every">Save every this many epochs (and always after the last one).</param>
    /// <param name="fixedNoise">The run's fixed preview noise, saved with each checkpoint; null for none.</param>
    /// <param name="metadata">Extra string metadata stored in each checkpoint (for example the run's configuration).</param>
    /// <param name="log">Receives one line before and one after each save (with its duration), or null for silence.</param>
    public ModelCheckpoint(string directory, int keep = 3, int every = 1, torch.Tensor? fixedNoise = null, IReadOnlyDictionary<string, string>? metadata = null, Action<string>? log = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        Manager = new CheckpointManager(directory, keep);
        this.every = every;
        this.fixedNoise = fixedNoise;
        this.metadata = metadata;
        this.log = log;
    }

    /// <summary>Gets the manager that writes the checkpoints.</summary>
    public CheckpointManager Manager { get; }

    /// <summary>Gets the last checkpoint saved by this callback, or null.</summary>
    public CheckpointEntry? LastSaved { get; private set; }

    /// <summary>Saves a checkpoint after every <c>every</c>-th epoch and the last one. An epoch cut short by <see cref="Training.GanTrainer.StopTraining"/> is not saved: it did not complete.</summary>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var run = Context ?? throw new InvalidOperationException("ModelCheckpoint is used outside GanModel.Fit().");
        if (run.StopTraining) return;
        int completed = epoch + 1;
        if (completed % every != 0 && completed != run.Epochs) return;
        using var checkpoint = run.Capture(completed, completed * run.StepsPerEpoch, fixedNoise, metadata);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"Saving checkpoint for epoch {completed} in {Manager.Directory}"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        LastSaved = Manager.Save(checkpoint);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"Saved checkpoint {LastSaved.File} ({LastSaved.Bytes} bytes, SHA-256 {LastSaved.Sha256[..12]}…) in {clock.Elapsed.TotalMilliseconds:F1} ms"));
    }
}
