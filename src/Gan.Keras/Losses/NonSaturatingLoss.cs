using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// The non-saturating GAN loss built from a label loss (Keras's GAN examples):
/// discriminator <c>ℓ(1, D(x)) + ℓ(0, D(G(z)))</c>, generator <c>ℓ(1, D(G(z)))</c>.
/// </summary>
/// <remarks>Goodfellow et al., "Generative Adversarial Nets", NeurIPS 2014, section 3 (the −log D(G(z)) heuristic).</remarks>
public sealed class NonSaturatingLoss : GanLoss
{
    /// <summary>Initializes a new instance of the <see cref="NonSaturatingLoss"/> class.</summary>
    /// <param name="labelLoss">The label loss; usually <see cref="BinaryCrossentropy"/>.</param>
    public NonSaturatingLoss(Loss labelLoss)
    {
        ArgumentNullException.ThrowIfNull(labelLoss);
        LabelLoss = labelLoss;
    }

    /// <summary>Gets the label loss.</summary>
    public Loss LabelLoss { get; }

    /// <inheritdoc />
    public override string Name => "non-saturating";

    /// <inheritdoc />
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput)
    {
        using var ones = torch.ones_like(realOutput);
        using var zeros = torch.zeros_like(fakeOutput);
        using var realLoss = LabelLoss.Call(ones, realOutput);
        using var fakeLoss = LabelLoss.Call(zeros, fakeOutput);
        return realLoss + fakeLoss;
    }

    /// <inheritdoc />
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeOutput)
    {
        using var ones = torch.ones_like(fakeOutput);
        return LabelLoss.Call(ones, fakeOutput);
    }

    /// <inheritdoc />
    public override torch.Tensor Score(torch.Tensor output) => LabelLoss.ExpectsLogits ? torch.sigmoid(output) : output.alias();
}
