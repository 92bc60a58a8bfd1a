using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// The R1 regulariser: the squared norm of the discriminator's gradient on <b>real</b> data,
/// <c>(γ/2) · mean_i ‖∇D(x_i)‖₂²</c>.
/// </summary>
/// <remarks>
/// Mescheder, Geiger &amp; Nowozin, "Which Training Methods for GANs do actually Converge?", ICML 2018, eq. (9);
/// used with the non-saturating loss (StyleGAN uses γ = 10 on 1024² faces, smaller images want smaller γ).
/// The squared norm needs no ε: its gradient at zero is zero.
/// </remarks>
public sealed class R1Penalty : GradientPenalty
{
    /// <summary>Initializes a new instance of the <see cref="R1Penalty"/> class.</summary>
    /// <param name="gamma">γ; the penalty is weighted by γ/2.</param>
    public R1Penalty(double gamma = 10.0) : base(gamma / 2) => Gamma = gamma;

    /// <inheritdoc />
    public override string Name => "r1";

    /// <summary>Gets γ (the weight is γ/2).</summary>
    public double Gamma { get; }

    /// <summary>The unweighted term <c>mean_i ‖∇D(x_i)‖₂²</c> on real samples.</summary>
    /// <param name="discriminator">Runs the discriminator.</param>
    /// <param name="real">Real batch <c>[batch, ...]</c>.</param>
    /// <param name="lossScale">The loss scale of a <c>mixed_float16</c> update (see <see cref="GradientPenalty.InputGradient"/>); 1 otherwise.</param>
    public static torch.Tensor Term(Func<torch.Tensor, torch.Tensor> discriminator, torch.Tensor real, double lossScale = 1)
    {
        ArgumentNullException.ThrowIfNull(real);
        using var scope = torch.NewDisposeScope();
        var gradients = InputGradient(discriminator, real, lossScale);
        return gradients.reshape(gradients.shape[0], -1).square().sum(1).mean().MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override torch.Tensor Compute(Func<torch.Tensor, torch.Tensor> discriminator, torch.Tensor real, torch.Tensor fake, NoiseSource noise, double lossScale = 1)
    {
        ArgumentNullException.ThrowIfNull(discriminator);
        CheckBatches(real, fake);
        using var scope = torch.NewDisposeScope();
        return (Term(discriminator, real, lossScale) * Weight).MoveToOuterDisposeScope();
    }
}
