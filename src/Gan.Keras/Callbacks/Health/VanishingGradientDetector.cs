using System.Globalization;

namespace Gan.Keras.Callbacks.Health;

/// <summary>
/// Sees the generator's gradients vanish: their root mean square on the fixed noise falls below
/// <see cref="HealthThresholds.VanishingGradientFraction"/> of its peak in the run, or below
/// <see cref="HealthThresholds.VanishingGradientRms"/>, at <see cref="HealthThresholds.ConsecutiveEpochs"/> epoch ends in a
/// row. Warns once per run.
/// </summary>
internal sealed class VanishingGradientDetector(HealthThresholds thresholds)
{
    private double peak;
    private int peakEpoch;
    private int seen;
    private bool warned;

    /// <summary>Takes one epoch's measurement; returns the warning when it first fires, else null.</summary>
    public string? Observe(int epoch, double rms)
    {
        if (warned) return null;
        string? message = null;
        if (rms < thresholds.VanishingGradientRms)
            message = string.Create(CultureInfo.InvariantCulture, $"the generator's gradients vanish: their root mean square on the fixed noise is {rms:G3}, below {thresholds.VanishingGradientRms:G3}.");
        else if (peak > 0 && rms < thresholds.VanishingGradientFraction * peak)
            message = string.Create(CultureInfo.InvariantCulture, $"the generator's gradients vanish: their root mean square on the fixed noise fell to {rms:G3}, {rms / peak:P2} of its peak {peak:G3} (epoch {peakEpoch + 1}).");
        if (rms > peak) (peak, peakEpoch) = (rms, epoch);
        seen = message is null ? 0 : seen + 1;
        if (seen < thresholds.ConsecutiveEpochs) return null;
        warned = true;
        return message + " The minimax (saturating) loss gives no gradient once the discriminator wins: use the non-saturating loss, or weaken the discriminator.";
    }
}
