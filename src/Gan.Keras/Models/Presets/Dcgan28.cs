using Gan.Keras.Initializers;
using Gan.Keras.Layers;

namespace Gan.Keras.Models.Presets;

/// <summary>
/// The DCGAN of Radford, Metz &amp; Chintala (ICLR 2016) scaled to 28×28 images, as in the Keras DCGAN example:
/// a generator of strided transposed convolutions with batch normalisation, a discriminator of strided convolutions
/// with LeakyReLU(0.2) that outputs a logit, N(0, 0.02) kernels. Used by <c>gan train --model dcgan|conditional</c>
/// and the benchmarks; <c>examples/Dcgan</c> spells the same layers out.
/// </summary>
public static class Dcgan28
{
    /// <summary>The latent size the preset is tuned for.</summary>
    public const int DefaultLatentDim = 64;

    /// <summary>Creates the generator: <c>[latentDim + conditionSize]</c> → <c>[channels, 28, 28]</c> in [−1, 1].</summary>
    /// <param name="latentDim">Latent size.</param>
    /// <param name="channels">Image channels (1 for MNIST).</param>
    /// <param name="conditionSize">Extra inputs appended to the latent vector (one-hot classes of a conditional GAN).</param>
    public static Sequential Generator(int latentDim = DefaultLatentDim, int channels = 1, int conditionSize = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(conditionSize);
        var init = new RandomNormal(0, 0.02);
        return new Sequential(new Layer[]
        {
            new Dense(7 * 7 * 64, useBias: false, kernelInitializer: init),
            new BatchNormalization(),
            new LeakyReLU(0.2),
            new Reshape(new long[] { 64, 7, 7 }),
            new Conv2DTranspose(32, 4, strides: 2, padding: "same", useBias: false, kernelInitializer: init),
            new BatchNormalization(),
            new LeakyReLU(0.2),
            new Conv2DTranspose(channels, 4, strides: 2, padding: "same", activation: "tanh", kernelInitializer: init),
        }, inputShape: new long[] { latentDim + conditionSize }, name: "generator");
    }

    /// <summary>Creates the discriminator: <c>[channels + conditionChannels, 28, 28]</c> → one logit.</summary>
    /// <param name="channels">Image channels.</param>
    /// <param name="conditionChannels">Extra constant input channels (classes of a conditional GAN).</param>
    public static Sequential Discriminator(int channels = 1, int conditionChannels = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(conditionChannels);
        var init = new RandomNormal(0, 0.02);
        return new Sequential(new Layer[]
        {
            new Conv2D(32, 4, strides: 2, padding: "same", kernelInitializer: init),
            new LeakyReLU(0.2),
            new Conv2D(64, 4, strides: 2, padding: "same", kernelInitializer: init),
            new LeakyReLU(0.2),
            new Flatten(),
            new Dense(1, kernelInitializer: init),
        }, inputShape: new long[] { channels + conditionChannels, 28, 28 }, name: "discriminator");
    }
}
