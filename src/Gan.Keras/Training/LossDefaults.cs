using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;

namespace Gan.Keras.Training;

/// <summary>
/// The optimizers and critic steps each GAN loss is trained with by default, as its paper does: WGAN with RMSprop(5e-5)
/// and 5 critic steps (Arjovsky et al. 2017), WGAN-GP with Adam(1e-4, β 0/0.9) and 5 critic steps (Gulrajani et al.
/// 2017), every other loss with Adam(learning rate, β1 0.5) and one step (Radford et al. 2016).
/// </summary>
public static class LossDefaults
{
    /// <summary>Gets the critic (discriminator) updates per generator update for a loss: 5 for the Wasserstein losses, else 1.</summary>
    public static int CriticSteps(GanLoss loss) => loss is WassersteinLoss or WassersteinGpLoss ? 5 : 1;

    /// <summary>Compiles <paramref name="gan"/> with two fresh optimizers for <paramref name="loss"/> and sets its critic steps.</summary>
    /// <param name="gan">The GAN.</param>
    /// <param name="loss">The GAN loss.</param>
    /// <param name="learningRate">Adam's learning rate for the losses that use it.</param>
    public static void Compile(GanModel gan, GanLoss loss, double learningRate = 2e-4)
    {
        ArgumentNullException.ThrowIfNull(gan);
        ArgumentNullException.ThrowIfNull(loss);
        switch (loss)
        {
            case WassersteinGpLoss:
                gan.Compile(new Adam(1e-4, 0.0, 0.9), new Adam(1e-4, 0.0, 0.9), loss);
                break;
            case WassersteinLoss:
                gan.Compile(new RMSprop(5e-5), new RMSprop(5e-5), loss);
                break;
            default:
                gan.Compile(new Adam(learningRate, 0.5, 0.999), new Adam(learningRate, 0.5, 0.999), loss);
                break;
        }
        gan.DiscriminatorSteps = CriticSteps(loss);
    }
}
