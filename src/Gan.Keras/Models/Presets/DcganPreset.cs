using Gan.Keras.Layers.Initializers;
using Gan.Keras.Layers;

namespace Gan.Keras.Models.Presets;

/// <summary>
/// The DCGAN of Radford, Metz &amp; Chintala (ICLR 2016) for square images of any side its upsampling reaches: the
/// generator projects the latent vector to a 4×4 map (7×7 when the side is 7·2ᵏ, as for 28×28), then strided
/// transposed convolutions double the side until it is reached, with batch normalisation and LeakyReLU(0.2) between
/// them and tanh at the end; the discriminator mirrors it with strided convolutions and LeakyReLU(0.2) and outputs a
/// logit. Kernels are N(0, 0.02). Filters halve towards the image (at most <see cref="MaxFilters"/>), 32 at the last
/// hidden layer, so the 28×28 networks are those of the Keras DCGAN example. Used by
/// <c>gan train --model dcgan|conditional</c>, the benchmarks and <c>examples/Dcgan</c>; with Glorot-uniform kernels
/// (<c>kernelInitializer</c>) they are the networks of <c>examples/WganGp</c> and <c>examples/ConditionalGan</c>.
/// </summary>
public static class DcganPreset
{
    /// <summary>The latent size the preset is tuned for.</summary>
    public const int DefaultLatentDim = 64;

    /// <summary>The smallest image side the preset builds (one doubling of a 4×4 map).</summary>
    public const int MinSide = 8;

    /// <summary>The largest image side the preset builds.</summary>
    public const int MaxSide = 128;

    /// <summary>The most filters of one layer (the ones nearest the latent vector in large networks).</summary>
    public const int MaxFilters = 256;

    private const int LastFilters = 32;
    private static readonly int[] BaseSides = { 4, 7 };

    /// <summary>Gets every image side from <see cref="MinSide"/> to <see cref="MaxSide"/> the preset can build, ascending: 4·2ᵏ and 7·2ᵏ.</summary>
    public static IReadOnlyList<int> SupportedSides { get; } = BaseSides
        .SelectMany(b => Enumerable.Range(1, 6).Select(k => b << k))
        .Where(s => s is >= MinSide and <= MaxSide)
        .Order()
        .ToArray();

    /// <summary>Creates the generator: <c>[latentDim + conditionSize]</c> → <c>[channels, side, side]</c> in [−1, 1].</summary>
    /// <param name="latentDim">Latent size.</param>
    /// <param name="channels">Image channels (1 for MNIST, 3 for colour).</param>
    /// <param name="side">Image side in pixels; one of <see cref="SupportedSides"/>.</param>
    /// <param name="conditionSize">Extra inputs appended to the latent vector (one-hot classes of a conditional GAN).</param>
    /// <param name="kernelInitializer">Initializer of every kernel; N(0, 0.02) (Radford et al.) by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is not reached by doubling 4 or 7; the message lists the sides that are.</exception>
    public static Sequential Generator(int latentDim = DefaultLatentDim, int channels = 1, int side = 28, int conditionSize = 0, Initializer? kernelInitializer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(conditionSize);
        var (start, doublings) = Plan(side);
        var init = kernelInitializer ?? new RandomNormal(0, 0.02);
        int filters = Filters(doublings - 1);
        var layers = new List<Layer>
        {
            new Dense(start * start * filters, useBias: false, kernelInitializer: init),
            new BatchNormalization(),
            new LeakyReLU(0.2),
            new Reshape(new long[] { filters, start, start }),
        };
        for (int i = doublings - 2; i >= 0; i--)
        {
            layers.Add(new Conv2DTranspose(Filters(i), 4, strides: 2, padding: "same", useBias: false, kernelInitializer: init));
            layers.Add(new BatchNormalization());
            layers.Add(new LeakyReLU(0.2));
        }
        layers.Add(new Conv2DTranspose(channels, 4, strides: 2, padding: "same", activation: "tanh", kernelInitializer: init));
        return new Sequential(layers, inputShape: new long[] { latentDim + conditionSize }, name: "generator");
    }

    /// <summary>Creates the discriminator: <c>[channels + conditionChannels, side, side]</c> → one logit.</summary>
    /// <param name="channels">Image channels.</param>
    /// <param name="side">Image side in pixels; one of <see cref="SupportedSides"/>.</param>
    /// <param name="conditionChannels">Extra constant input channels (classes of a conditional GAN).</param>
    /// <param name="kernelInitializer">Initializer of every kernel; N(0, 0.02) (Radford et al.) by default.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="side"/> is not supported; the message lists the sides that are.</exception>
    public static Sequential Discriminator(int channels = 1, int side = 28, int conditionChannels = 0, Initializer? kernelInitializer = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(channels);
        ArgumentOutOfRangeException.ThrowIfNegative(conditionChannels);
        var (_, doublings) = Plan(side);
        var init = kernelInitializer ?? new RandomNormal(0, 0.02);
        var layers = new List<Layer>();
        for (int i = 0; i < doublings; i++)
        {
            layers.Add(new Conv2D(Filters(i), 4, strides: 2, padding: "same", kernelInitializer: init));
            layers.Add(new LeakyReLU(0.2));
        }
        layers.Add(new Flatten());
        layers.Add(new Dense(1, kernelInitializer: init));
        return new Sequential(layers, inputShape: new long[] { channels + conditionChannels, side, side }, name: "discriminator");
    }

    /// <summary>Gets a value indicating whether the preset builds images of this side.</summary>
    public static bool Supports(long side) => SupportedSides.Contains((int)Math.Clamp(side, 0, int.MaxValue));

    // Filters at distance i from the image: 32, 64, 128, 256, 256, ...
    private static int Filters(int i) => Math.Min(MaxFilters, LastFilters << i);

    private static (int Start, int Doublings) Plan(int side)
    {
        if (!Supports(side))
            throw new ArgumentOutOfRangeException(nameof(side), side,
                $"The DCGAN preset builds square images whose side doubles up from 4 or 7; {side} is not one. Supported sides: {string.Join(", ", SupportedSides)}. Resize the images to one of them.");
        int start = side % 7 == 0 ? 7 : 4;
        return (start, (int)Math.Log2(side / start));
    }
}
