using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

public class PackedDiscriminatorTests
{
    private static PackedDiscriminator Create(int pack) =>
        new(new Sequential(new Layer[] { new Dense(8), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 2L * pack }, name: "packed"), pack);

    [Fact]
    public void Call_ScoresPacksOfConsecutiveSamples_AsTheInnerModelOnTheirConcatenation()
    {
        // Given a PacGAN2 discriminator and 6 points
        using var discriminator = Create(pack: 2);
        using var points = torch.randn(6, 2);

        // When it scores them
        using var scores = discriminator.Call(points);
        using var inner = ((Sequential)discriminator.SubLayers.Single()).Call(points.reshape(3, 4));

        // Then there is one score per pair: the inner model's on each concatenated pair
        Assert.Equal(new long[] { 3, 1 }, scores.shape);
        Assert.True(scores.allclose(inner));
    }

    [Fact]
    public void Call_RefusesABatchThatIsNotAMultipleOfThePack()
    {
        using var discriminator = Create(pack: 4);
        using var points = torch.randn(6, 2);

        var error = Assert.Throws<ArgumentException>(() => discriminator.Call(points));

        Assert.Contains("multiple of 4, but got 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_TrainsAGanWithAPackedDiscriminator()
    {
        // Given a tiny GAN whose discriminator judges pairs
        RandomSeed.Set(1);
        var generator = new Sequential(new Layer[] { new Dense(16, "relu"), new Dense(2) }, inputShape: new long[] { 4 }, name: "generator");
        var discriminator = Create(pack: 2);
        discriminator.Build(new long[] { 2 });
        using var gan = new GanModel(generator, discriminator, latentDim: 4, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new BinaryCrossentropy(fromLogits: true));
        using var data = TinyGan.Data();
        string kernel = TinyGan.WeightBytes(gan).Keys.First(k => k.StartsWith("discriminator.", StringComparison.Ordinal) && k.EndsWith("kernel", StringComparison.Ordinal));
        var before = TinyGan.WeightBytes(gan)[kernel];

        // When it trains one epoch
        var history = gan.Fit(data, epochs: 1, batchSize: 64);

        // Then both losses are finite and the packed weights moved
        Assert.True(double.IsFinite(history["d_loss"][0]) && double.IsFinite(history["g_loss"][0]));
        Assert.False(before.AsSpan().SequenceEqual(TinyGan.WeightBytes(gan)[kernel]));
    }
}
