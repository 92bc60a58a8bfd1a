using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// WGAN-GP's two-sided gradient penalty on random interpolates between real and generated samples:
/// <c>λ · mean_i (‖∇D(x̂_i)‖₂ − 1)²</c> with <c>x̂_i = α_i·x_i + (1 − α_i)·x̃_i</c>, <c>α_i ~ U[0, 1]</c>.
/// </summary>
/// <remarks>
/// Gulrajani, Ahmed, Arjovsky, Dumoulin &amp; Courville, "Improved Training of Wasserstein GANs", NeurIPS 2017,
/// Algorithm 1 (λ = 10). Two details popular implementations get wrong, done here as the paper says:
/// α is drawn <b>per example</b> (shape <c>[batch, 1, ...]</c>, broadcast over the example), not per pixel and not from a
/// normal; the norm is taken <b>per example</b> over all non-batch axes (<see cref="GradientPenalty.PerExampleNorm"/>),
/// not over the whole batch, with ε inside the square root so a zero gradient gives no NaN.
/// <see cref="InterpolationCoefficients.Normal"/> draws α as keras-io's <c>wgan_gp</c> example does instead.
/// </remarks>
public sealed class WassersteinGradientPenalty : GradientPenalty
{
    /// <summary>Initializes a new instance of the <see cref="WassersteinGradientPenalty"/> class.</summary>
    /// <param name="weight">λ, 10 in the paper.</param>
    /// <param name="normEpsilon">ε under the square root of the norm.</param>
    /// <param name="coefficients">How α is drawn: <see cref="InterpolationCoefficients.Uniform"/> (the paper, the default) or
    /// <see cref="InterpolationCoefficients.Normal"/> (keras-io's <c>wgan_gp</c>).</param>
    public WassersteinGradientPenalty(double weight = 10.0, double normEpsilon = DefaultNormEpsilon, InterpolationCoefficients coefficients = InterpolationCoefficients.Uniform) : base(weight)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(normEpsilon);
        if (!Enum.IsDefined(coefficients)) throw new ArgumentOutOfRangeException(nameof(coefficients), coefficients, "coefficients must be Uniform or Normal.");
        NormEpsilon = normEpsilon;
        Coefficients = coefficients;
    }

    /// <inheritdoc />
    public override string Name => "wgan-gp";

    /// <summary>Gets ε under the square root of the per-example norm.</summary>
    public double NormEpsilon { get; }

    /// <summary>Gets how the interpolation coefficient α is drawn.</summary>
    public InterpolationCoefficients Coefficients { get; }

    /// <summary>
    /// The unweighted penalty <c>mean_i (‖∇D(x̂_i)‖ − 1)²</c> at <c>x̂ = α·real + (1 − α)·fake</c> for given coefficients.
    /// </summary>
    /// <param name="discriminator">Runs the discriminator.</param>
    /// <param name="real">Real batch <c>[batch, ...]</c>.</param>
    /// <param name="fake">Generated batch, same shape.</param>
    /// <param name="alpha">Coefficients broadcastable per example: <c>[batch, 1, ...]</c> (one per example).</param>
    /// <param name="normEpsilon">ε under the square root.</param>
    /// <param name="lossScale">The loss scale of a <c>mixed_float16</c> update (see <see cref="GradientPenalty.InputGradient"/>); 1 otherwise.</param>
    public static torch.Tensor Term(Func<torch.Tensor, torch.Tensor> discriminator, torch.Tensor real, torch.Tensor fake, torch.Tensor alpha, double normEpsilon = DefaultNormEpsilon, double lossScale = 1)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(fake);
        ArgumentNullException.ThrowIfNull(alpha);
        if (alpha.dim() != real.dim() || alpha.shape[0] != real.shape[0] || alpha.shape.Skip(1).Any(d => d != 1))
            throw new ArgumentException(
                $"WGAN-GP coefficients must be one per example, shape [{real.shape[0]}{string.Concat(Enumerable.Repeat(", 1", (int)real.dim() - 1))}], but received [{string.Join(", ", alpha.shape)}].",
                nameof(alpha));
        using var scope = torch.NewDisposeScope();
        var mixed = alpha * real + (1 - alpha) * fake;
        var gradients = InputGradient(discriminator, mixed, lossScale);
        var norms = PerExampleNorm(gradients, normEpsilon);
        return (norms - 1).square().mean().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override torch.Tensor Compute(Func<torch.Tensor, torch.Tensor> discriminator, torch.Tensor real, torch.Tensor fake, NoiseSource noise, double lossScale = 1)
    {
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(noise);
        CheckBatches(real, fake);
        using var scope = torch.NewDisposeScope();
        var shape = new long[real.dim()];
        Array.Fill(shape, 1L);
        shape[0] = real.shape[0];
        // Normal (keras-io): x̂ = x + a·(x̃ − x) with a ~ N(0, 1), which is α·x + (1 − α)·x̃ with α = 1 − a.
        var alpha = Coefficients == InterpolationCoefficients.Normal ? (1 - noise.Normal(shape)).to(real.device) : noise.Uniform(shape).to(real.device);
        return (Term(discriminator, real, fake, alpha, NormEpsilon, lossScale) * Weight).MoveToOuterDisposeScope();
    }
}
