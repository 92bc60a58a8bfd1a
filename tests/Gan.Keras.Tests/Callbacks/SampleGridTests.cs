using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using SkiaSharp;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class SampleGridTests
{
    [Fact]
    public void Fit_WritesOneImageGridPerEpoch_FromTheSameFixedNoise()
    {
        // Given a GAN making 8x8 images, and a SampleGrid with 9 fixed latent vectors
        string folder = TestPaths.NewTempFolder();
        RandomSeed.Set(1);
        var generator = new Sequential(new Layer[] { new Dense(64, "tanh") }, inputShape: new long[] { 4 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 64 }, name: "discriminator");
        using var gan = new GanModel(generator, discriminator, 4, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new Gan.Keras.Losses.BinaryCrossentropy(fromLogits: true));
        using var data = new InMemoryDataset(torch.rand(64, 64) * 2 - 1);
        using var noise = SampleGrid.DrawNoise(4, 9, seed: 3);
        using var grid = new SampleGrid(folder, noise);

        // When 2 epochs run
        gan.Fit(data, epochs: 2, batchSize: 32, callbacks: new Callback[] { grid });

        // Then epoch-0001.png and epoch-0002.png are 3x3 grids of 8x8 images (scale 2, 2-pixel gaps), and latest.png is the second
        foreach (var name in new[] { "epoch-0001.png", "epoch-0002.png", "latest.png" })
        {
            using var bitmap = SKBitmap.Decode(Path.Combine(folder, name));
            Assert.Equal((3 * (16 + 2) + 2, 3 * (16 + 2) + 2), (bitmap.Width, bitmap.Height));
        }
        Assert.Equal(File.ReadAllBytes(Path.Combine(folder, "epoch-0002.png")), File.ReadAllBytes(grid.LatestPath));
        Assert.NotEqual(File.ReadAllBytes(Path.Combine(folder, "epoch-0001.png")), File.ReadAllBytes(grid.LatestPath));
    }

    [Fact]
    public void DrawNoise_IsSeeded_AndLeavesTheModelsRandomStreamAlone()
    {
        // Given a GAN's random state
        using var gan = TinyGan.Create();
        using var before = gan.RandomGenerator.get_state();

        // When fixed noise is drawn twice with the same seed
        using var a = SampleGrid.DrawNoise(4, 5, seed: 11);
        using var b = SampleGrid.DrawNoise(4, 5, seed: 11);

        // Then both are equal and the GAN's stream did not move
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
        using var after = gan.RandomGenerator.get_state();
        Assert.Equal(before.data<byte>().ToArray(), after.data<byte>().ToArray());
    }

    [Fact]
    public void Fit_Draws2DSamplesAsAScatterOverTheModes()
    {
        // Given 2-D data and its true modes
        string folder = TestPaths.NewTempFolder();
        using var data = TinyGan.Data();
        using var gan = TinyGan.Create();
        using var noise = SampleGrid.DrawNoise(TinyGan.LatentDim, 200, seed: 3);
        using var grid = new SampleGrid(folder, noise, GaussianMixtures.Ring8Means());

        // When one epoch runs
        gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { grid });

        // Then the picture is a 480x480 scatter plot with red mode rings
        using var bitmap = SKBitmap.Decode(grid.LatestPath);
        Assert.Equal((480, 480), (bitmap.Width, bitmap.Height));
        Assert.Contains(Enumerable.Range(0, bitmap.Width).SelectMany(x => Enumerable.Range(0, bitmap.Height).Select(y => bitmap.GetPixel(x, y))), c => c.Red > 200 && c.Green < 60 && c.Blue < 60);
    }
}
