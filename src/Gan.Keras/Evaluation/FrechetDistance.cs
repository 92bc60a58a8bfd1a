using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// The Fréchet distance between two sets of activations, each modelled as a Gaussian — the formula of the Fréchet
/// Inception Distance, with whatever network made the activations (TF-GAN's <c>frechet_classifier_distance_from_activations</c>).
/// </summary>
/// <remarks>
/// <c>d² = ‖μ₁ − μ₂‖² + Tr(Σ₁ + Σ₂ − 2 (Σ₁ Σ₂)^½)</c> (Heusel et al., "GANs Trained by a Two Time-Scale Update Rule
/// Converge to a Local Nash Equilibrium", NeurIPS 2017). Computed in float64. The trace of the matrix square root uses
/// <c>Tr((Σ₁Σ₂)^½) = Tr((Σ₁^½ Σ₂ Σ₁^½)^½)</c>: both square roots are of symmetric positive semi-definite matrices, taken
/// by symmetric eigendecomposition with tiny negative eigenvalues (round-off) clamped to zero, so the result is real and
/// stable even for singular covariances (fewer samples than dimensions).
/// </remarks>
public static class FrechetDistance
{
    /// <summary>Computes the Fréchet distance between the Gaussians fitted to two activation sets.</summary>
    /// <param name="first">Activations <c>[n₁, d]</c>, n₁ ≥ 2.</param>
    /// <param name="second">Activations <c>[n₂, d]</c>, n₂ ≥ 2.</param>
    /// <returns>The squared Fréchet distance (≥ 0).</returns>
    public static double FromActivations(torch.Tensor first, torch.Tensor second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        CheckPair(first, second);
        using var scope = torch.NewDisposeScope();
        var (mu1, sigma1) = MeanAndCovariance(first);
        var (mu2, sigma2) = MeanAndCovariance(second);
        return FromStatistics(mu1, sigma1, mu2, sigma2);
    }

    /// <summary>Computes the Fréchet distance between two Gaussians given by their means <c>[d]</c> and covariances <c>[d, d]</c>.</summary>
    public static double FromStatistics(torch.Tensor mean1, torch.Tensor covariance1, torch.Tensor mean2, torch.Tensor covariance2)
    {
        ArgumentNullException.ThrowIfNull(mean1);
        ArgumentNullException.ThrowIfNull(covariance1);
        ArgumentNullException.ThrowIfNull(mean2);
        ArgumentNullException.ThrowIfNull(covariance2);
        long d = mean1.shape[^1];
        if (mean1.dim() != 1 || mean2.dim() != 1 || mean2.shape[0] != d || !covariance1.shape.SequenceEqual(new[] { d, d }) || !covariance2.shape.SequenceEqual(new[] { d, d }))
            throw new ArgumentException($"Means must be [d] and covariances [d, d] with the same d; got means [{string.Join(", ", mean1.shape)}], [{string.Join(", ", mean2.shape)}] and covariances [{string.Join(", ", covariance1.shape)}], [{string.Join(", ", covariance2.shape)}].", nameof(covariance2));
        using var scope = torch.NewDisposeScope();
        var m1 = mean1.to_type(torch.float64);
        var m2 = mean2.to_type(torch.float64);
        var s1 = covariance1.to_type(torch.float64);
        var s2 = covariance2.to_type(torch.float64);
        var diff = m1 - m2;
        double meanTerm = diff.dot(diff).item<double>();
        var root1 = SymmetricSqrt(s1);
        var inner = root1.matmul(s2).matmul(root1);
        inner = (inner + inner.T) / 2; // symmetric up to round-off; make it exactly so for eigvalsh
        double traceSqrt = torch.linalg.eigvalsh(inner).clamp_min(0).sqrt().sum().item<double>();
        double distance = meanTerm + s1.trace().item<double>() + s2.trace().item<double>() - 2 * traceSqrt;
        return Math.Max(0, distance);
    }

    /// <summary>Returns the mean <c>[d]</c> and the unbiased covariance <c>[d, d]</c> (divided by n − 1) of activations <c>[n, d]</c>, in float64.</summary>
    public static (torch.Tensor Mean, torch.Tensor Covariance) MeanAndCovariance(torch.Tensor activations)
    {
        ArgumentNullException.ThrowIfNull(activations);
        if (activations.dim() != 2 || activations.shape[0] < 2)
            throw new ArgumentException($"Activations must be [n, d] with n ≥ 2, but got [{string.Join(", ", activations.shape)}].", nameof(activations));
        var x = activations.detach().cpu().to_type(torch.float64);
        var mean = x.mean(new long[] { 0 });
        var centred = x - mean;
        var covariance = centred.T.matmul(centred) / (x.shape[0] - 1);
        return (mean, covariance);
    }

    internal static void CheckPair(torch.Tensor first, torch.Tensor second)
    {
        if (first.dim() != 2 || second.dim() != 2 || first.shape[1] != second.shape[1])
            throw new ArgumentException($"Both activation sets must be [n, d] with the same d, but got [{string.Join(", ", first.shape)}] and [{string.Join(", ", second.shape)}].", nameof(second));
        if (first.shape[0] < 2 || second.shape[0] < 2)
            throw new ArgumentException($"Each activation set needs at least 2 rows to estimate a covariance, but got {first.shape[0]} and {second.shape[0]}.", nameof(second));
    }

    // Square root of a symmetric positive semi-definite matrix: V diag(√max(λ, 0)) Vᵀ.
    private static torch.Tensor SymmetricSqrt(torch.Tensor matrix)
    {
        var (values, vectors) = torch.linalg.eigh((matrix + matrix.T) / 2);
        return vectors.matmul(torch.diag(values.clamp_min(0).sqrt())).matmul(vectors.T);
    }
}
