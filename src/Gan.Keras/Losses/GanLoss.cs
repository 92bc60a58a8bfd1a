using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// A GAN objective: the discriminator's and the generator's losses as pure functions of the discriminator's outputs.
/// A GAN loss never touches an optimizer; <see cref="Models.GanModel"/> combines it with the updates.
/// </summary>
/// <remarks>
/// Terms that need more than the outputs are declared, not applied, here: a <see cref="Penalty"/> (computed by
/// <see cref="Models.GanModel"/> from the discriminator and the real and generated batches, and added to the
/// discriminator's loss), and a <see cref="CriticWeightClip"/> (applied by the model after each critic update).
/// </remarks>
public abstract class GanLoss
{
    /// <summary>Gets a short name for logs and the CLI.</summary>
    public abstract string Name { get; }

    /// <summary>
    /// Gets the gradient penalty added to the discriminator's loss at every discriminator update (WGAN-GP's
    /// interpolation penalty, R1), or null for none. Set it with an object initializer:
    /// <c>new NonSaturatingLoss { Penalty = new R1Penalty(gamma: 10) }</c>.
    /// </summary>
    public GradientPenalty? Penalty { get; init; }

    /// <summary>
    /// Gets the bound <c>c</c> that <see cref="Models.GanModel"/> clips every discriminator weight to, <c>[−c, c]</c>,
    /// after each discriminator update (the original WGAN's Lipschitz constraint), or null for no clipping.
    /// </summary>
    public virtual double? CriticWeightClip => null;

    /// <summary>The discriminator's loss from its outputs on real and on generated (detached) samples.</summary>
    public abstract torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput);

    /// <summary>The generator's loss from the discriminator's outputs on generated samples.</summary>
    public abstract torch.Tensor GeneratorLoss(torch.Tensor fakeOutput);

    /// <summary>Turns discriminator outputs into the score reported as D(x) and D(G(z)) (a probability for BCE losses).</summary>
    public virtual torch.Tensor Score(torch.Tensor output) => output.alias();

    /// <summary>
    /// Gets a value indicating whether <see cref="Score"/> is the probability that a sample is real (true for the
    /// cross-entropy losses), so that D(x) → 1 and D(G(z)) → 0 mean the discriminator wins. False by default: a critic's
    /// raw scores (Wasserstein, hinge, least squares) have no fixed scale.
    /// </summary>
    public virtual bool ScoresAreProbabilities => false;
}
