using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// WGAN-GP: the Wasserstein critic and generator terms (<see cref="WassersteinLoss"/>, without weight clipping) plus the
/// gradient penalty <see cref="WassersteinGradientPenalty"/> on interpolates, weight λ = 10:
/// critic <c>mean D(x̃) − mean D(x) + λ·mean_i (‖∇D(x̂_i)‖₂ − 1)²</c>, generator <c>−mean D(x̃)</c>.
/// </summary>
/// <remarks>
/// Gulrajani, Ahmed, Arjovsky, Dumoulin &amp; Courville, "Improved Training of Wasserstein GANs", NeurIPS 2017,
/// Algorithm 1: n_critic = 5 (<see cref="Training.GanTrainer.DiscriminatorSteps"/>), Adam(1e-4, β₁ = 0, β₂ = 0.9), and no batch
/// normalisation in the critic (the penalty is per example). The penalty is added by <see cref="Models.GanModel"/>, which
/// owns the discriminator and the batches; the terms here stay pure functions of the critic's scores.
/// </remarks>
public sealed class WassersteinGpLoss : GanLoss
{
    /// <summary>Initializes a new instance of the <see cref="WassersteinGpLoss"/> class.</summary>
    /// <param name="penaltyWeight">λ, 10 in the paper.</param>
    /// <param name="normEpsilon">ε under the square root of the per-example gradient norm.</param>
    /// <param name="coefficients">How the penalty draws its interpolation coefficients: uniform (the paper, the default) or normal (keras-io's <c>wgan_gp</c>).</param>
    public WassersteinGpLoss(double penaltyWeight = 10.0, double normEpsilon = GradientPenalty.DefaultNormEpsilon, InterpolationCoefficients coefficients = InterpolationCoefficients.Uniform) =>
        Penalty = new WassersteinGradientPenalty(penaltyWeight, normEpsilon, coefficients);

    /// <inheritdoc />
    public override string Name => "wgan-gp";

    /// <inheritdoc />
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput) => WassersteinLoss.DiscriminatorTerm(realOutput, fakeOutput);

    /// <inheritdoc />
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeOutput) => WassersteinLoss.GeneratorTerm(fakeOutput);
}
