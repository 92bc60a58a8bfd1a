using System.Globalization;

namespace Gan.Keras.Evaluation;

/// <summary>The mode-collapse metrics of generated samples from a 2-D Gaussian mixture (see <see cref="MixtureMetrics"/>).</summary>
/// <param name="ModesCovered">Modes with at least one high-quality sample.</param>
/// <param name="TotalModes">The mixture's number of modes.</param>
/// <param name="HighQualityFraction">Fraction of samples within <c>3σ</c> of their nearest mode, in [0, 1].</param>
/// <param name="ModeKl">
/// KL divergence <c>Σ p_k log(p_k · K)</c> of the histogram of nearest modes (over all samples) from the uniform
/// distribution over the K modes: 0 when every mode gets the same share, <c>log K</c> when all samples sit at one mode.
/// </param>
/// <param name="SampleCount">The number of samples evaluated.</param>
/// <param name="ModeCounts">Samples whose nearest mode is each mode.</param>
/// <param name="HighQualityModeCounts">High-quality samples at each mode.</param>
public sealed record MixtureReport(
    int ModesCovered,
    int TotalModes,
    double HighQualityFraction,
    double ModeKl,
    int SampleCount,
    IReadOnlyList<int> ModeCounts,
    IReadOnlyList<int> HighQualityModeCounts)
{
    /// <summary>Returns a one-line summary: <c>modes 8/8, high quality 97.3%, KL 0.004 (2500 samples)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"modes {ModesCovered}/{TotalModes}, high quality {HighQualityFraction * 100:F1}%, KL {ModeKl:F3} ({SampleCount} samples)");
}
