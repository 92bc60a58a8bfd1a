using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// The non-saturating GAN loss. On logits <c>r = D(x)</c>, <c>f = D(G(z))</c>: discriminator
/// <c>−mean log σ(r) − mean log(1 − σ(f))</c> (as <see cref="MinimaxLoss"/>), generator <c>−mean log σ(f)</c>.
/// Built from a label loss <c>ℓ</c> (Keras's GAN examples): discriminator <c>ℓ(1 − s, D(x)) + ℓ(0, D(G(z)))</c>,
/// generator <c>ℓ(1, D(G(z)))</c>.
/// </summary>
/// <remarks>
/// Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, section 3 (the −log D(G(z)) heuristic: strong
/// gradients early in training, same fixed point). One-sided label smoothing <c>s</c> (Salimans et al., "Improved
/// Techniques for Training GANs", NeurIPS 2016, §3.4) sets the real target to <c>1 − s</c>; fake targets stay 0 and the
/// generator's target stays 1.
/// </remarks>
public sealed class NonSaturatingLoss : GanLoss
{
    private readonly bool onLogits;

    /// <summary>Initializes a new instance of the <see cref="NonSaturatingLoss"/> class on logits (the discriminator ends without a sigmoid).</summary>
    /// <param name="realLabelSmoothing">One-sided label smoothing <c>s</c> in [0, 1): real targets become <c>1 − s</c>.</param>
    public NonSaturatingLoss(double realLabelSmoothing = 0.0)
    {
        RealLabelSmoothing = MinimaxLoss.CheckSmoothing(realLabelSmoothing);
        LabelLoss = new BinaryCrossentropy(fromLogits: true);
        onLogits = true;
    }

    /// <summary>Initializes a new instance of the <see cref="NonSaturatingLoss"/> class from a label loss.</summary>
    /// <param name="labelLoss">The label loss; usually <see cref="BinaryCrossentropy"/>.</param>
    public NonSaturatingLoss(Loss labelLoss) : this(labelLoss, 0.0)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="NonSaturatingLoss"/> class from a label loss, with one-sided label smoothing.</summary>
    /// <param name="labelLoss">The label loss; usually <see cref="BinaryCrossentropy"/>.</param>
    /// <param name="realLabelSmoothing">One-sided label smoothing <c>s</c> in [0, 1): real targets become <c>1 − s</c>.</param>
    public NonSaturatingLoss(Loss labelLoss, double realLabelSmoothing)
    {
        ArgumentNullException.ThrowIfNull(labelLoss);
        LabelLoss = labelLoss;
        RealLabelSmoothing = MinimaxLoss.CheckSmoothing(realLabelSmoothing);
    }

    /// <summary>Gets the label loss (for the logit constructor, the equivalent <c>BinaryCrossentropy(fromLogits: true)</c>).</summary>
    public Loss LabelLoss { get; }

    /// <summary>Gets the one-sided label smoothing applied to real targets.</summary>
    public double RealLabelSmoothing { get; }

    /// <summary>
    /// Gets a value indicating whether the discriminator's loss is the mean over the real and generated examples together,
    /// <c>(ℓ_real + ℓ_fake) / 2</c>, as keras-io's <c>dcgan_overriding_train_step</c> computes <c>d_loss</c> on the
    /// concatenated batch (and the Keras-GAN scripts report <c>0.5 · (d_loss_real + d_loss_fake)</c>). False by default:
    /// the sum, Goodfellow et al.'s objective, twice Keras's value. The gradient halves with the value; Adam's steps
    /// barely change, SGD's halve.
    /// </summary>
    public bool MeanOverRealAndFake { get; init; }

    /// <inheritdoc />
    public override string Name => "non-saturating";

    /// <summary>The discriminator term on logits, the same as <see cref="MinimaxLoss.DiscriminatorTerm"/>.</summary>
    /// <param name="realLogits">D's logits on real samples, <c>[batch]</c> or <c>[batch, 1]</c>.</param>
    /// <param name="fakeLogits">D's logits on generated samples.</param>
    /// <param name="realLabelSmoothing">One-sided label smoothing <c>s</c>.</param>
    public static torch.Tensor DiscriminatorTerm(torch.Tensor realLogits, torch.Tensor fakeLogits, double realLabelSmoothing = 0.0)
    {
        // Checked here too, so that an error names this loss rather than the one whose term it shares.
        DiscriminatorOutputs.Check(realLogits, nameof(realLogits), "NonSaturatingLoss");
        DiscriminatorOutputs.Check(fakeLogits, nameof(fakeLogits), "NonSaturatingLoss");
        return MinimaxLoss.DiscriminatorTerm(realLogits, fakeLogits, realLabelSmoothing);
    }

    /// <summary>The non-saturating generator term <c>−mean log σ(f) = mean softplus(−f)</c>.</summary>
    /// <param name="fakeLogits">D's logits on generated samples.</param>
    public static torch.Tensor GeneratorTerm(torch.Tensor fakeLogits)
    {
        DiscriminatorOutputs.Check(fakeLogits, nameof(fakeLogits), "NonSaturatingLoss");
        using var negated = fakeLogits.neg();
        using var softplus = torch.nn.functional.softplus(negated);
        return softplus.mean();
    }

    /// <inheritdoc />
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput)
    {
        if (!MeanOverRealAndFake) return SummedDiscriminatorLoss(realOutput, fakeOutput);
        using var sum = SummedDiscriminatorLoss(realOutput, fakeOutput);
        return sum * 0.5;
    }

    private torch.Tensor SummedDiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput)
    {
        if (onLogits) return DiscriminatorTerm(realOutput, fakeOutput, RealLabelSmoothing);
        DiscriminatorOutputs.Check(realOutput, nameof(realOutput), "NonSaturatingLoss");
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "NonSaturatingLoss");
        using var realTargets = torch.full_like(realOutput, 1 - RealLabelSmoothing);
        using var zeros = torch.zeros_like(fakeOutput);
        using var realLoss = LabelLoss.Call(realTargets, realOutput);
        using var fakeLoss = LabelLoss.Call(zeros, fakeOutput);
        return realLoss + fakeLoss;
    }

    /// <inheritdoc />
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeOutput)
    {
        if (onLogits) return GeneratorTerm(fakeOutput);
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "NonSaturatingLoss");
        using var ones = torch.ones_like(fakeOutput);
        return LabelLoss.Call(ones, fakeOutput);
    }

    /// <inheritdoc />
    public override torch.Tensor Score(torch.Tensor output) => LabelLoss.ExpectsLogits ? torch.sigmoid(output) : output.alias();

    /// <inheritdoc />
    /// <remarks>True on logits and with a cross-entropy label loss on probabilities; another label loss's outputs have no fixed meaning.</remarks>
    public override bool ScoresAreProbabilities => LabelLoss.ExpectsLogits || LabelLoss is BinaryCrossentropy;
}
