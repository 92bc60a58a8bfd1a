using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Losses;

namespace Gan.Keras.Tests;

/// <summary>A very small GAN on a small ring-of-8 sample: fast enough for training-loop tests (8 steps per epoch).</summary>
internal static class TinyGan
{
    public const int LatentDim = 4;

    public static GanModel Create(long seed = 7, int hidden = 16)
    {
        RandomSeed.Set(seed);
        var generator = new Sequential(new Layer[] { new Dense(hidden, "relu"), new Dense(2) }, inputShape: new long[] { LatentDim }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(hidden), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 2 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, LatentDim, seed);
        gan.Compile(new Adam(1e-3, 0.5, 0.999), new Adam(1e-3, 0.5, 0.999), new BinaryCrossentropy(fromLogits: true));
        return gan;
    }

    public static InMemoryDataset Data() => GaussianMixtures.Ring8(512, seed: 3);

    /// <summary>Copies of all weights, by name, as raw bytes (for bitwise comparison).</summary>
    public static Dictionary<string, byte[]> WeightBytes(GanModel gan) =>
        gan.WeightTensors().ToDictionary(kv => kv.Key, kv => kv.Value.detach().cpu().contiguous().bytes.ToArray());
}
