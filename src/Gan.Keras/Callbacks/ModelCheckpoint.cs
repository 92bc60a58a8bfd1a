using System.Globalization;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Saves a full <see cref="TrainingCheckpoint"/> (weights, optimizers, epoch, random states, fixed noise) every
/// <c>every</c> epochs through a <see cref="CheckpointManager"/>, keeping the newest <c>keep</c>: Keras's
/// <c>ModelCheckpoint</c> for GANs. Each write is atomic and recorded with its SHA-256. With <c>saveBestOnly</c>, as
/// Keras's <c>ModelCheckpoint(monitor, save_best_only=True)</c>, an epoch is saved only when the monitored log value
/// improved on the best so far.
/// </summary>
public sealed class ModelCheckpoint : Callback
{
    private readonly int every;
    private readonly torch.Tensor? fixedNoise;
    private readonly IReadOnlyDictionary<string, string>? metadata;
    private readonly Action<string>? log;
    private readonly bool lowerIsBetter;
    private double? best;
    private bool warnedMissing;

    /// <summary>Initializes a new instance of the <see cref="ModelCheckpoint"/> class.</summary>
    /// <param name="directory">The checkpoint folder.</param>
    /// <param name="keep">How many checkpoints to keep.</param>
    /// <param name="every">Save every this many epochs (and always after the last one).</param>
    /// <param name="fixedNoise">The run's fixed preview noise, saved with each checkpoint; null for none.</param>
    /// <param name="metadata">Extra string metadata stored in each checkpoint (for example the run's configuration).</param>
    /// <param name="log">Receives one line before and one after each save (with its duration), or null for silence.</param>
    /// <param name="monitor">The epoch log compared by <paramref name="saveBestOnly"/> (<c>g_loss</c>, <c>d_loss</c>, a metric).</param>
    /// <param name="saveBestOnly">Whether to save only epochs whose <paramref name="monitor"/> value beats every earlier one.</param>
    /// <param name="mode"><c>min</c>, <c>max</c>, or <c>auto</c> (Keras's rule: <c>max</c> for names with <c>acc</c>, <c>min</c> otherwise).</param>
    public ModelCheckpoint(string directory, int keep = 3, int every = 1, torch.Tensor? fixedNoise = null, IReadOnlyDictionary<string, string>? metadata = null, Action<string>? log = null,
        string monitor = "g_loss", bool saveBestOnly = false, string mode = "auto")
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(every);
        ArgumentException.ThrowIfNullOrWhiteSpace(monitor);
        ArgumentNullException.ThrowIfNull(mode);
        lowerIsBetter = mode switch
        {
            "min" => true,
            "max" => false,
            "auto" => !monitor.Contains("acc", StringComparison.Ordinal),
            _ => throw new ArgumentException($"mode must be 'min', 'max' or 'auto', but got '{mode}'.", nameof(mode)),
        };
        Monitor = monitor;
        SaveBestOnly = saveBestOnly;
        Manager = new CheckpointManager(directory, keep);
        this.every = every;
        this.fixedNoise = fixedNoise;
        this.metadata = metadata;
        this.log = log;
    }

    /// <summary>Gets the epoch log that <see cref="SaveBestOnly"/> compares.</summary>
    public string Monitor { get; }

    /// <summary>Gets a value indicating whether only epochs that improve <see cref="Monitor"/> are saved.</summary>
    public bool SaveBestOnly { get; }

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
        if (SaveBestOnly && !Improved(logs)) return;
        using var checkpoint = run.Capture(completed, completed * run.StepsPerEpoch, fixedNoise, metadata);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"Saving checkpoint for epoch {completed} in {Manager.Directory}"));
        var clock = System.Diagnostics.Stopwatch.StartNew();
        LastSaved = Manager.Save(checkpoint);
        log?.Invoke(string.Create(CultureInfo.InvariantCulture, $"Saved checkpoint {LastSaved.File} ({LastSaved.Bytes} bytes, SHA-256 {LastSaved.Sha256[..12]}…) in {clock.Elapsed.TotalMilliseconds:F1} ms"));
    }

    private bool Improved(IReadOnlyDictionary<string, double> logs)
    {
        if (!logs.TryGetValue(Monitor, out double value))
        {
            // As Keras: a missing monitored value skips saving, with a warning (once) naming what the logs hold.
            if (!warnedMissing) Internal.Warnings.Emit($"ModelCheckpoint: the epoch logs have no '{Monitor}' to monitor (they have {string.Join(", ", logs.Keys)}); no checkpoint is saved until they do.");
            warnedMissing = true;
            return false;
        }
        if (double.IsNaN(value) || (best is { } b && (lowerIsBetter ? value >= b : value <= b))) return false;
        best = value;
        return true;
    }
}
