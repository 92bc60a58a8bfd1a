using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// The hinge GAN loss on raw scores <c>r = D(x)</c>, <c>f = D(G(z))</c>: discriminator
/// <c>mean max(0, 1 − r) + mean max(0, 1 + f)</c>, generator <c>−mean f</c>.
/// </summary>
/// <remarks>
/// Lim &amp; Ye, "Geometric GAN", 2017 (arXiv:1705.02894); Miyato, Kataoka, Koyama &amp; Yoshida, "Spectral Normalization for
/// Generative Adversarial Networks", ICLR 2018, eq. (16)–(17). Usually paired with <c>SpectralNormalization</c> in the
/// discriminator. The discriminator ends without an activation.
/// </remarks>
public sealed class HingeLoss : GanLoss
{
    /// <inheritdoc />
    public override string Name => "hinge";

    /// <summary>The discriminator term <c>mean relu(1 − r) + mean relu(1 + f)</c>.</summary>
    /// <param name="realOutput">D's scores on real samples, <c>[batch]</c> or <c>[batch, 1]</c>.</param>
    /// <param name="fakeOutput">D's scores on generated samples.</param>
    public static torch.Tensor DiscriminatorTerm(torch.Tensor realOutput, torch.Tensor fakeOutput)
    {
        DiscriminatorOutputs.Check(realOutput, nameof(realOutput), "HingeLoss");
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "HingeLoss");
        using var scope = torch.NewDisposeScope();
        var loss = torch.nn.functional.relu(1 - realOutput).mean() + torch.nn.functional.relu(1 + fakeOutput).mean();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The generator term <c>−mean f</c>.</summary>
    /// <param name="fakeOutput">D's scores on generated samples.</param>
    public static torch.Tensor GeneratorTerm(torch.Tensor fakeOutput)
    {
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "HingeLoss");
        using var mean = fakeOutput.mean();
        return mean.neg();
    }

    /// <inheritdoc />
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput) => DiscriminatorTerm(realOutput, fakeOutput);

    /// <inheritdoc />
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeOutput) => GeneratorTerm(fakeOutput);
}
