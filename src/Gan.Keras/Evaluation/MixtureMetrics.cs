using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// Mode-collapse metrics for 2-D Gaussian mixtures (Ring8, Grid25), as in VEEGAN (Srivastava et al., NeurIPS 2017) and
/// PacGAN (Lin et al., NeurIPS 2018): each sample is assigned to its nearest mode; it is <em>high quality</em> when it
/// lies within <c>3σ</c> of that mode.
/// </summary>
public static class MixtureMetrics
{
    /// <summary>The number of samples the VEEGAN / PacGAN protocol evaluates.</summary>
    public const int StandardSampleCount = 2_500;

    /// <summary>Computes the metrics on generated samples.</summary>
    /// <param name="samples">Generated points <c>[n, d]</c> (any float type).</param>
    /// <param name="means">The mixture's means <c>[modes, d]</c> (e.g. <see cref="Data.GaussianMixtures.Ring8Means"/>).</param>
    /// <param name="sigma">The standard deviation of each component.</param>
    /// <param name="threshold">A sample is high quality within <c>threshold · σ</c> of its nearest mode (3 in the protocol).</param>
    /// <returns>Modes covered, fraction of high-quality samples, KL of the mode histogram from uniform, per-mode counts.</returns>
    public static MixtureReport Compute(torch.Tensor samples, double[,] means, double sigma, double threshold = 3.0)
    {
        ArgumentNullException.ThrowIfNull(samples);
        ArgumentNullException.ThrowIfNull(means);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(threshold);
        int modes = means.GetLength(0), dims = means.GetLength(1);
        if (modes == 0) throw new ArgumentException("The mixture needs at least one mode.", nameof(means));
        if (samples.dim() != 2 || samples.shape[1] != dims || samples.shape[0] == 0)
            throw new ArgumentException($"Samples must have shape [n, {dims}] with n > 0 to match the {modes} means of dimension {dims}, but got [{string.Join(", ", samples.shape)}].", nameof(samples));
        using var scope = torch.NewDisposeScope();
        var points = samples.detach().cpu().to_type(torch.float64);
        var centres = torch.tensor(means.Cast<double>().ToArray(), new long[] { modes, dims }, torch.float64);
        var distances = torch.cdist(points, centres);
        var (nearestDistance, nearest) = distances.min(1);
        var highQuality = nearestDistance.le(threshold * sigma);
        var nearestModes = nearest.data<long>().ToArray();
        var isHighQuality = highQuality.data<bool>().ToArray();
        var counts = new int[modes];
        var highQualityCounts = new int[modes];
        for (int i = 0; i < nearestModes.Length; i++)
        {
            counts[nearestModes[i]]++;
            if (isHighQuality[i]) highQualityCounts[nearestModes[i]]++;
        }
        int total = nearestModes.Length;
        double kl = 0;
        foreach (int count in counts)
        {
            if (count == 0) continue;
            double p = (double)count / total;
            kl += p * Math.Log(p * modes);
        }
        return new MixtureReport(
            ModesCovered: highQualityCounts.Count(c => c > 0),
            TotalModes: modes,
            HighQualityFraction: (double)highQualityCounts.Sum() / total,
            ModeKl: kl,
            SampleCount: total,
            ModeCounts: counts,
            HighQualityModeCounts: highQualityCounts);
    }
}
