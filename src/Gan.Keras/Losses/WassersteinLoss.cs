using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// The Wasserstein GAN loss on critic scores <c>r = D(x)</c>, <c>f = D(G(z))</c>: critic <c>mean f − mean r</c>
/// (the negated estimate of the Wasserstein-1 distance), generator <c>−mean f</c>; with weight clipping to keep the
/// critic Lipschitz.
/// </summary>
/// <remarks>
/// Arjovsky, Chintala &amp; Bottou, "Wasserstein Generative Adversarial Networks", ICML 2017, Algorithm 1: after every
/// critic update each critic weight is clipped to <c>[−c, c]</c>, c = 0.01 (<see cref="CriticWeightClip"/>, applied by
/// <see cref="Models.GanModel"/>), with n_critic = 5 critic updates per generator update
/// (<see cref="Training.GanTrainer.DiscriminatorSteps"/>) and RMSprop(5e-5). The critic ends without an activation.
/// </remarks>
public sealed class WassersteinLoss : GanLoss
{
    private readonly double? weightClip;

    /// <summary>Initializes a new instance of the <see cref="WassersteinLoss"/> class.</summary>
    /// <param name="weightClip">The clipping bound c (0.01 in the paper), or null for no clipping (then add another Lipschitz constraint).</param>
    public WassersteinLoss(double? weightClip = 0.01)
    {
        if (weightClip is { } c && (!(c > 0) || double.IsInfinity(c)))
            throw new ArgumentOutOfRangeException(nameof(weightClip), weightClip, "The weight clipping bound must be a positive, finite number (0.01 in the WGAN paper), or null for none.");
        this.weightClip = weightClip;
    }

    /// <inheritdoc />
    public override string Name => "wgan";

    /// <inheritdoc />
    public override double? CriticWeightClip => weightClip;

    /// <summary>The critic term <c>mean f − mean r</c>.</summary>
    /// <param name="realOutput">The critic's scores on real samples, <c>[batch]</c> or <c>[batch, 1]</c>.</param>
    /// <param name="fakeOutput">The critic's scores on generated samples.</param>
    public static torch.Tensor DiscriminatorTerm(torch.Tensor realOutput, torch.Tensor fakeOutput)
    {
        DiscriminatorOutputs.Check(realOutput, nameof(realOutput), "WassersteinLoss");
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "WassersteinLoss");
        using var realMean = realOutput.mean();
        using var fakeMean = fakeOutput.mean();
        return fakeMean - realMean;
    }

    /// <summary>The generator term <c>−mean f</c>.</summary>
    /// <param name="fakeOutput">The critic's scores on generated samples.</param>
    public static torch.Tensor GeneratorTerm(torch.Tensor fakeOutput)
    {
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "WassersteinLoss");
        using var mean = fakeOutput.mean();
        return mean.neg();
    }

    /// <inheritdoc />
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput) => DiscriminatorTerm(realOutput, fakeOutput);

    /// <inheritdoc />
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeOutput) => GeneratorTerm(fakeOutput);
}
