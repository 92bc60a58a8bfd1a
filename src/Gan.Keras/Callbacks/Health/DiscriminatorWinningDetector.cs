using System.Globalization;

namespace Gan.Keras.Callbacks.Health;

/// <summary>
/// Sees the discriminator win: the window means of D(x) and D(G(z)) stay at or beyond <see cref="HealthThresholds.WinningRealScore"/>
/// and <see cref="HealthThresholds.WinningFakeScore"/> for <see cref="HealthThresholds.WinningSteps"/> consecutive steps.
/// Warns once per run.
/// </summary>
internal sealed class DiscriminatorWinningDetector(HealthThresholds thresholds)
{
    private long winningSteps;
    private bool warned;

    /// <summary>Takes the means of one window of <paramref name="steps"/> training steps; returns the warning when it first fires, else null.</summary>
    public string? Observe(double realScore, double fakeScore, long steps)
    {
        if (warned || steps <= 0) return null;
        bool winning = realScore >= thresholds.WinningRealScore && fakeScore <= thresholds.WinningFakeScore;
        winningSteps = winning ? winningSteps + steps : 0;
        if (winningSteps < thresholds.WinningSteps) return null;
        warned = true;
        return string.Create(CultureInfo.InvariantCulture,
            $"the discriminator is winning: D(x) {realScore:F3} and D(G(z)) {fakeScore:F3} over the last {winningSteps} steps, so the generator learns little. Try a lower discriminator learning rate, one-sided label smoothing or instance noise (GaussianNoise on the discriminator's input), or a non-saturating or hinge loss.");
    }
}
