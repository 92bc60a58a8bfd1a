using System.Globalization;
using Gan.Keras.Callbacks.Health;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Watches a run for the ways GANs fail quietly and says so in one line each, with advice, through
/// <see cref="Internal.Warnings.Handler"/>: NaN or infinity in the losses or weights (training stops, as
/// <see cref="TerminateOnNaN"/>, so the newest checkpoint is the last good one), a discriminator that wins, mode collapse
/// in the fixed-noise samples, and vanishing generator gradients. Each warning is given once per run;
/// <see cref="Warnings"/> lists them and <see cref="Measurements"/> holds what was measured at each epoch's end.
/// Put it before <see cref="ModelCheckpoint"/>.
/// </summary>
/// <remarks>
/// <para>Cost: no host read per step. Every <c>checkEvery</c> steps it reads the epoch's running means (shared with the
/// other callbacks that read them at that step) and derives the means of D(x) and D(G(z)) over the steps since its
/// last look. At each epoch's end it runs the generator on the fixed noise (spread, modes covered) and measures the
/// generator's gradient on up to 256 of those latent vectors (<see cref="ITrainingContext.GeneratorGradientRms"/>: one
/// forward and backward pass in inference mode, which changes nothing training keeps; a run with the monitor ends with
/// bit-identical weights).</para>
/// <para>The discriminator check needs scores that are probabilities (<see cref="Losses.GanLoss.ScoresAreProbabilities"/>:
/// the minimax and non-saturating losses); for the other losses it is skipped. The thresholds are in
/// <see cref="HealthThresholds"/>.</para>
/// </remarks>
public sealed class TrainingHealthMonitor : Callback, IDisposable
{
    /// <summary>The most latent vectors the gradient is measured on.</summary>
    public const int GradientProbeSize = 256;

    private const string RealKey = "d_real";
    private const string FakeKey = "d_fake";
    private readonly TerminateOnNaN nanGuard;
    private readonly torch.Tensor? givenNoise;
    private readonly double[,]? modes;
    private readonly int checkEvery;
    private readonly List<HealthWarning> warnings = new();
    private readonly List<HealthMeasurement> measurements = new();
    private torch.Tensor? noise;
    private DiscriminatorWinningDetector? winning;
    private ModeCollapseDetector? collapse;
    private VanishingGradientDetector? vanishing;
    private int epoch;
    private int lastBatch;
    private long windowStart;
    private IReadOnlyDictionary<string, double>? windowStartMeans;

    /// <summary>Initializes a new instance of the <see cref="TrainingHealthMonitor"/> class.</summary>
    /// <param name="fixedNoise">The run's fixed latent batch <c>[n, latentDim]</c> (the callback keeps its own copy), or null to draw 256 vectors with seed 0 (its own generator: the run's random stream is not touched).</param>
    /// <param name="modes">For a mixture of Gaussians: its means <c>[modes, d]</c>, to count the modes the samples cover; or null.</param>
    /// <param name="checkEvery">Read the running means every n steps of an epoch (and at its end).</param>
    /// <param name="checks">The checks to run.</param>
    /// <param name="thresholds">When to warn; null for the defaults.</param>
    public TrainingHealthMonitor(torch.Tensor? fixedNoise = null, double[,]? modes = null, int checkEvery = 20, HealthChecks checks = HealthChecks.All, HealthThresholds? thresholds = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(checkEvery);
        if (modes is { Length: 0 }) throw new ArgumentException("The mixture needs at least one mode.", nameof(modes));
        if (fixedNoise is not null && fixedNoise.dim() != 2)
            throw new ArgumentException($"Fixed noise must have shape [n, latentDim], but got [{string.Join(", ", fixedNoise.shape)}].", nameof(fixedNoise));
        // The fixed noise lives for the whole run: detached from any dispose scope on purpose.
        givenNoise = fixedNoise?.detach().cpu().clone().DetachFromDisposeScope();
        this.modes = modes;
        this.checkEvery = checkEvery;
        Checks = checks;
        Thresholds = thresholds ?? new HealthThresholds();
        nanGuard = new TerminateOnNaN(checkEvery, checkWeights: true);
    }

    /// <summary>Gets the checks this monitor runs.</summary>
    public HealthChecks Checks { get; }

    /// <summary>Gets when it warns.</summary>
    public HealthThresholds Thresholds { get; }

    /// <summary>Gets the warnings given so far in the current (or last) run, in order.</summary>
    public IReadOnlyList<HealthWarning> Warnings => warnings;

    /// <summary>Gets the measurements made at each epoch's end, in order.</summary>
    public IReadOnlyList<HealthMeasurement> Measurements => measurements;

    /// <summary>Gets the warning that stopped training (a NaN or infinity), or null.</summary>
    public HealthWarning? Stopped { get; private set; }

    /// <summary>Gets where training was stopped for a NaN or infinity (epoch and batch, 0-based, and the logged value or weight), as <see cref="TerminateOnNaN.TerminatedAt"/>.</summary>
    public (int Epoch, int Batch, string Key)? TerminatedAt => nanGuard.TerminatedAt;

    /// <inheritdoc />
    public override void OnTrainBegin(ITrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        warnings.Clear();
        measurements.Clear();
        Stopped = null;
        winning = new DiscriminatorWinningDetector(Thresholds);
        collapse = new ModeCollapseDetector(Thresholds, modes);
        vanishing = new VanishingGradientDetector(Thresholds);
        if (givenNoise is null && noise is null)
            noise = SampleGrid.DrawNoise(context.LatentDim, GradientProbeSize, seed: 0).DetachFromDisposeScope();
        nanGuard.Context = context;
        nanGuard.OnTrainBegin(context);
    }

    /// <inheritdoc />
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => nanGuard.Context = null;

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch)
    {
        this.epoch = epoch;
        lastBatch = -1;
        windowStart = 0;
        windowStartMeans = null;
        nanGuard.OnEpochBegin(epoch);
    }

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        lastBatch = batch;
        if (Stopped is not null) return;
        if (Checks.HasFlag(HealthChecks.NonFinite))
        {
            nanGuard.OnBatchEnd(batch, logs);
            if (NoteStop()) return;
        }
        if ((batch + 1) % checkEvery == 0 && WatchesScores) ObserveScores(logs.EpochMeans(), batch + 1, batch);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var context = Context ?? throw new InvalidOperationException("TrainingHealthMonitor is used outside GanModel.Fit().");
        if (Stopped is not null) return;
        if (Checks.HasFlag(HealthChecks.NonFinite))
        {
            nanGuard.OnEpochEnd(epoch, logs);
            if (NoteStop()) return;
        }
        if (WatchesScores) ObserveScores(logs, lastBatch + 1, null);
        double? spread = null, rms = null;
        int? covered = null;
        var latent = givenNoise ?? noise!;
        if (Checks.HasFlag(HealthChecks.ModeCollapse))
        {
            using var scope = torch.NewDisposeScope();
            var samples = context.Generate(latent);
            spread = ModeCollapseDetector.Spread(samples);
            covered = collapse!.ModesCovered(samples);
            Warn(HealthChecks.ModeCollapse, null, collapse.Observe(epoch, spread.Value, covered));
        }
        if (Checks.HasFlag(HealthChecks.VanishingGeneratorGradients))
        {
            using var scope = torch.NewDisposeScope();
            rms = context.GeneratorGradientRms(latent.shape[0] > GradientProbeSize ? latent.narrow(0, 0, GradientProbeSize) : latent);
            Warn(HealthChecks.VanishingGeneratorGradients, null, vanishing!.Observe(epoch, rms.Value));
        }
        measurements.Add(new HealthMeasurement(epoch, Value(logs, RealKey), Value(logs, FakeKey), spread, covered, rms));
    }

    /// <summary>Releases the fixed noise.</summary>
    public void Dispose()
    {
        givenNoise?.Dispose();
        noise?.Dispose();
    }

    private bool WatchesScores => Checks.HasFlag(HealthChecks.DiscriminatorWinning) && Context is { Loss.ScoresAreProbabilities: true };

    private static double? Value(IReadOnlyDictionary<string, double> logs, string key) => logs.TryGetValue(key, out double value) ? value : null;

    /// <summary>Derives the means of D(x) and D(G(z)) over the steps since the last look from the epoch's running means after <paramref name="count"/> steps.</summary>
    private void ObserveScores(IReadOnlyDictionary<string, double> means, long count, int? batch)
    {
        if (!means.TryGetValue(RealKey, out double real) || !means.TryGetValue(FakeKey, out double fake)) return;
        long steps = count - windowStart;
        if (steps <= 0) return;
        double Window(string key, double mean) => (mean * count - (windowStartMeans?[key] ?? 0) * windowStart) / steps;
        double realWindow = Window(RealKey, real), fakeWindow = Window(FakeKey, fake);
        (windowStart, windowStartMeans) = (count, means);
        Warn(HealthChecks.DiscriminatorWinning, batch, winning!.Observe(realWindow, fakeWindow, steps));
    }

    private bool NoteStop()
    {
        if (nanGuard.TerminatedAt is not var (stoppedEpoch, stoppedBatch, _)) return false;
        Stopped = new HealthWarning(HealthChecks.NonFinite, stoppedEpoch, stoppedBatch, nanGuard.Reason!);
        warnings.Add(Stopped);
        return true;
    }

    private void Warn(HealthChecks problem, int? batch, string? message)
    {
        if (message is null) return;
        string where = batch is int b
            ? string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}, batch {b + 1}")
            : string.Create(CultureInfo.InvariantCulture, $"epoch {epoch + 1}");
        var warning = new HealthWarning(problem, epoch, batch, $"Training health, {where}: {message}");
        warnings.Add(warning);
        Internal.Warnings.Emit(warning.Message);
    }
}
