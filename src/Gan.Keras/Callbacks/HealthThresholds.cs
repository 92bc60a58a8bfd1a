namespace Gan.Keras.Callbacks;

/// <summary>
/// When a <see cref="TrainingHealthMonitor"/> warns. The defaults were chosen from measured runs (docs/cli.md,
/// "Training health"): ten seeds of the CLI's ring8 run, of which the six that ended healthy stayed clear of each
/// threshold (the spread by a factor of 1.8, the gradient by 12, the scores by 0.26), and the failures the tests cause.
/// </summary>
public sealed record HealthThresholds
{
    /// <summary>Gets the window-mean D(x) at or above which the discriminator counts as winning (with <see cref="WinningFakeScore"/>).</summary>
    public double WinningRealScore { get; init; } = 0.9;

    /// <summary>Gets the window-mean D(G(z)) at or below which the discriminator counts as winning (with <see cref="WinningRealScore"/>).</summary>
    public double WinningFakeScore { get; init; } = 0.1;

    /// <summary>Gets how many consecutive training steps the discriminator must win before the warning.</summary>
    public long WinningSteps { get; init; } = 100;

    /// <summary>Gets how many consecutive epoch ends a collapse or a vanishing gradient must be seen at before the warning (a single-epoch dip early in training is not one).</summary>
    public int ConsecutiveEpochs { get; init; } = 2;

    /// <summary>Gets the fraction of its peak below which the fixed-noise samples' spread means collapse.</summary>
    public double CollapseSpreadFraction { get; init; } = 0.25;

    /// <summary>Gets the spread below which the fixed-noise samples are identical (up to float32 rounding): collapse, whatever the peak.</summary>
    public double IdenticalSpread { get; init; } = 1e-6;

    /// <summary>Gets the fraction of the most modes ever covered at or below which coverage means collapse (2-D mixtures).</summary>
    public double CollapseModesFraction { get; init; } = 0.5;

    /// <summary>Gets the fraction of its peak below which the generator's root-mean-square gradient counts as vanishing.</summary>
    public double VanishingGradientFraction { get; init; } = 0.01;

    /// <summary>
    /// Gets the root-mean-square gradient per generator weight below which gradients count as vanishing whatever the
    /// peak: Adam's ε (1e-7 in Keras) then dominates √v̂ and the update shrinks with the gradient.
    /// </summary>
    public double VanishingGradientRms { get; init; } = 1e-7;
}
