using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// The least-squares GAN loss (LSGAN) on raw scores <c>r = D(x)</c>, <c>f = D(G(z))</c>:
/// discriminator <c>½·mean (r − 1)² + ½·mean f²</c>, generator <c>½·mean (f − 1)²</c>.
/// </summary>
/// <remarks>
/// Mao, Li, Xie, Lau, Wang &amp; Smolley, "Least Squares Generative Adversarial Networks", ICCV 2017, eq. (9) with the
/// 0-1 coding a = 0, b = 1, c = 1. The discriminator ends without an activation.
/// </remarks>
public sealed class LeastSquaresLoss : GanLoss
{
    /// <inheritdoc />
    public override string Name => "lsgan";

    /// <summary>The discriminator term <c>½·mean (r − 1)² + ½·mean f²</c>.</summary>
    /// <param name="realOutput">D's scores on real samples, <c>[batch]</c> or <c>[batch, 1]</c>.</param>
    /// <param name="fakeOutput">D's scores on generated samples.</param>
    public static torch.Tensor DiscriminatorTerm(torch.Tensor realOutput, torch.Tensor fakeOutput)
    {
        DiscriminatorOutputs.Check(realOutput, nameof(realOutput), "LeastSquaresLoss");
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "LeastSquaresLoss");
        using var scope = torch.NewDisposeScope();
        var loss = 0.5 * (realOutput - 1).square().mean() + 0.5 * fakeOutput.square().mean();
        return loss.MoveToOuterDisposeScope();
    }

    /// <summary>The generator term <c>½·mean (f − 1)²</c>.</summary>
    /// <param name="fakeOutput">D's scores on generated samples.</param>
    public static torch.Tensor GeneratorTerm(torch.Tensor fakeOutput)
    {
        DiscriminatorOutputs.Check(fakeOutput, nameof(fakeOutput), "LeastSquaresLoss");
        using var scope = torch.NewDisposeScope();
        return (0.5 * (fakeOutput - 1).square().mean()).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput) => DiscriminatorTerm(realOutput, fakeOutput);

    /// <inheritdoc />
    public override torch.Tensor GeneratorLoss(torch.Tensor fakeOutput) => GeneratorTerm(fakeOutput);
}
