using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// A GAN objective: the discriminator's and the generator's losses as pure functions of the discriminator's outputs.
/// A GAN loss never touches an optimizer; <see cref="Models.GanModel"/> combines it with the updates.
/// </summary>
public abstract class GanLoss
{
    /// <summary>Gets a short name for logs and the CLI.</summary>
    public abstract string Name { get; }

    /// <summary>The discriminator's loss from its outputs on real and on generated (detached) samples.</summary>
    public abstract torch.Tensor DiscriminatorLoss(torch.Tensor realOutput, torch.Tensor fakeOutput);

    /// <summary>The generator's loss from the discriminator's outputs on generated samples.</summary>
    public abstract torch.Tensor GeneratorLoss(torch.Tensor fakeOutput);

    /// <summary>Turns discriminator outputs into the score reported as D(x) and D(G(z)) (a probability for BCE losses).</summary>
    public virtual torch.Tensor Score(torch.Tensor output) => output.alias();
}
