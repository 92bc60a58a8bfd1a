using System.Globalization;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Callbacks.Health;

/// <summary>
/// Sees mode collapse in the fixed-noise samples: their spread falls below <see cref="HealthThresholds.CollapseSpreadFraction"/>
/// of the largest spread seen in the run (or below <see cref="HealthThresholds.IdenticalSpread"/>: identical samples),
/// or, for a 2-D mixture, the modes they cover (<see cref="ModesCovered"/>) fall to
/// <see cref="HealthThresholds.CollapseModesFraction"/> of the most ever covered, once that was at least half of them.
/// Warns once per run, when one of these holds at <see cref="HealthThresholds.ConsecutiveEpochs"/> epoch ends in a row.
/// </summary>
internal sealed class ModeCollapseDetector(HealthThresholds thresholds, double[,]? modes)
{
    private readonly double radius = modes is null ? 0 : SmallestDistance(modes) / 4;
    private double peakSpread;
    private int peakEpoch;
    private int peakModes;
    private int seen;
    private bool warned;

    /// <summary>Gets the spread of samples <c>[n, ...]</c>: the root of the mean, over features, of the variance across samples.</summary>
    public static double Spread(torch.Tensor samples)
    {
        using var scope = torch.NewDisposeScope();
        var rows = samples.detach().reshape(samples.shape[0], -1).to(torch.float64);
        return Math.Sqrt(HostReads.Read(rows.var(0, unbiased: false).mean().reshape(1))[0]);
    }

    /// <summary>
    /// Gets the modes of the mixture that the samples cover: those that hold at least a quarter of a fair share
    /// (n / 4K of n samples, K modes) within a quarter of the smallest distance between two modes. Looser than the
    /// evaluation protocol's 3σ on purpose: it asks where the mass goes, not how sharp it is, so a healthy generator
    /// that is still a little off the modes covers them all. Null without a mixture or for samples of another dimension.
    /// </summary>
    public int? ModesCovered(torch.Tensor samples)
    {
        if (modes is null || samples.dim() != 2 || samples.shape[1] != modes.GetLength(1)) return null;
        int k = modes.GetLength(0);
        using var scope = torch.NewDisposeScope();
        // Counted on the samples' device; one read of the K counts.
        var centres = torch.tensor(modes.Cast<double>().ToArray(), new long[] { k, modes.GetLength(1) }, torch.float64, samples.device);
        var points = samples.detach().to(torch.float64);
        var (distance, nearest) = torch.cdist(points, centres).min(1);
        var counts = HostReads.Read(torch.bincount(nearest.masked_select(distance.le(radius)), minlength: k));
        double share = samples.shape[0] / (4.0 * k);
        return counts.Count(c => c >= share);
    }

    /// <summary>Takes one epoch's measurements; returns the warning when it first fires, else null.</summary>
    public string? Observe(int epoch, double spread, int? modesCovered)
    {
        if (warned) return null;
        string? message = null;
        if (spread < thresholds.IdenticalSpread)
            message = string.Create(CultureInfo.InvariantCulture, $"mode collapse: the fixed-noise samples are all the same (spread {spread:G3}): the generator ignores its noise.");
        else if (peakSpread > 0 && spread < thresholds.CollapseSpreadFraction * peakSpread)
            message = string.Create(CultureInfo.InvariantCulture, $"mode collapse: the spread of the fixed-noise samples fell to {spread:G3}, {spread / peakSpread:P1} of its peak {peakSpread:G3} (epoch {peakEpoch + 1}).");
        else if (modesCovered is int covered && modes is not null && 2 * peakModes >= modes.GetLength(0) && covered <= thresholds.CollapseModesFraction * peakModes)
            message = string.Create(CultureInfo.InvariantCulture, $"mode collapse: the fixed-noise samples cover {covered} of the {modes.GetLength(0)} modes, down from {peakModes}.");
        if (spread > peakSpread) (peakSpread, peakEpoch) = (spread, epoch);
        if (modesCovered is int c && c > peakModes) peakModes = c;
        seen = message is null ? 0 : seen + 1;
        if (seen < thresholds.ConsecutiveEpochs) return null;
        warned = true;
        return message + " Try a packed discriminator (PacGAN), a lower learning rate, or the wgan-gp or non-saturating-r1 loss.";
    }

    private static double SmallestDistance(double[,] means)
    {
        double smallest = double.PositiveInfinity;
        for (int i = 0; i < means.GetLength(0); i++)
            for (int j = i + 1; j < means.GetLength(0); j++)
            {
                double squared = 0;
                for (int d = 0; d < means.GetLength(1); d++) squared += (means[i, d] - means[j, d]) * (means[i, d] - means[j, d]);
                smallest = Math.Min(smallest, Math.Sqrt(squared));
            }
        return double.IsPositiveInfinity(smallest) ? 1 : smallest;
    }
}
