using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// The original (saturating) minimax GAN loss on logits <c>r = D(x)</c>, <c>f = D(G(z))</c>, <c>σ</c> the sigmoid:
/// discriminator <c>−mean log σ(r) − mean log(1 − σ(f))</c>, generator <c>mean log(1 − σ(f))</c>
/// (the generator minimises what the discriminator maximises).
/// </summary>
/// <remarks>
/// Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, eq. (1). The generator's gradient vanishes when the
/// discriminator confidently rejects its samples (σ(f) → 0); <see cref="NonSaturatingLoss"/> is the fix the same paper
/// recommends. Computed with <c>softplus</c> (<c>−log σ(t) = softplus(−t)</c>, <c>−log(1 − σ(t)) = softplus(t)</c>), which
/// is stable for large logits. With one-sided label smoothing <c>s</c> (Salimans et al., "Improved Techniques for
/// Training GANs", NeurIPS 2016, §3.4) the real target is <c>1 − s</c>; fake targets stay 0.
/// </remarks>
public sealed class MinimaxLoss : GanLoss
{
    /// <summary>Initializes a new instance of the <see cref="MinimaxLoss"/> class.</summary>
    /// <param name="realLabelSmoothing">One-sided label smoothing <c>s</c> in [0, 1): real targets become <c>1 − s</c>.</param>
    public MinimaxLoss(double realLabelSmoothing = 0.0) => RealLabelSmoothing = CheckSmoothing(realLabelSmoothing);

    /// <inheritdoc />
    public override string Name => "minimax";

    /// <summary>Gets the one-sided label smoothing applied to real targets.</summary>
    public double RealLabelSmoothing { get; }

    /// <summary>
    /// The discriminator's binary cross-entropy on logits with real target <c>1 − s</c> and fake target 0:
    /// <c>mean[(1 − s)·softplus(−r) + s·softplus(r)] + mean softplus(f)</c>.
    /// </summary>
    /// <param name="realLogits">D's logits on real samples, <c>[batch]</c> or <c>[batch, 1]</c>.</param>
    /// <param name="fakeLogits">D's logits on generated samples.</param>
    /// <param name="realLabelSmoothing">One-sided label smoothing <c>s</c>.</param>
    public static torch.Tensor DiscriminatorTerm(torch.Tensor realLogits, torch.Tensor fakeLogits, double realLabelSmoothing = 0.0)
    {
        DiscriminatorOutputs.Check(realLogits, nameof(realLogits), "MinimaxLoss");
        DiscriminatorOutputs.Check(fakeLogits, nameof(fakeLogits), "MinimaxLoss");
        CheckSmoothing(realLabelSmoothing);
        using var scope = torch.NewDisposeScope();
        var real = realLabelSmoothing == 0
            ? torch.nn.functional.softplus(-realLogits).mean()
            : ((1 - realLabelSmoothing) * torch.nn.functional.softplus(-realLogits) + realLabelSmoothing * torch.nn.functional.softplus(realLogits)).mean();
        var fake = torch.nn.functional.softplus(fakeLogits).mean();
        return (real + fake).MoveToOuterDisposeScope();
    }

    /// <summary>The saturating generator term <c>mean log(1 − σ(f)) = −mean softplus(f)</c>.</summary>
    /// <param name="fakeLogits">D's logits on generated samples.</param>
    public static torch.Tensor GeneratorTerm(torch.Tensor fakeLogits)
    {
        DiscriminatorOutputs.Check(fakeLogits, nameof(fakeLogits), "MinimaxLoss");
        using var softplus = torch.nn.functional.softplus(fakeLogits);
        using var mean = softplus.mean();
        return mean.neg();
    }

    /// <inheritdoc />
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput) =>
        DiscriminatorTerm(realOutput, fakeOutput, RealLabelSmoothing);

    /// <inheritdoc />
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeOutput) => GeneratorTerm(fakeOutput);

    /// <inheritdoc />
    public override torch.Tensor Score(torch.Tensor output) => torch.sigmoid(output);

    /// <inheritdoc />
    public override bool ScoresAreProbabilities => true;

    internal static double CheckSmoothing(double smoothing, string parameterName = "realLabelSmoothing")
    {
        if (!(smoothing >= 0 && smoothing < 1))
            throw new ArgumentOutOfRangeException(parameterName, smoothing, "One-sided label smoothing must be in [0, 1); 0.1 is usual (real targets 0.9).");
        return smoothing;
    }
}
