using Gan.Keras.Layers.Initializers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers.Initializers;

public class InitializerTests
{
    [Fact]
    public void GlorotUniform_StaysWithinKerasLimit_AndFillsIt()
    {
        using var w = new GlorotUniform(seed: 1).Create(new long[] { 784, 512 }, 784, 512);

        double limit = Math.Sqrt(6.0 / (784 + 512));
        Assert.True(w.abs().max().item<float>() <= limit);
        Assert.True(w.abs().max().item<float>() > 0.99 * limit);
    }

    [Fact]
    public void HeNormal_HasKerasStddev_AndIsTruncatedAtTwoStddevs()
    {
        using var w = new HeNormal(seed: 3).Create(new long[] { 400, 400 }, 400, 400);

        double std = Math.Sqrt(2.0 / 400) / 0.87962566103423978;
        Assert.InRange(w.std().item<float>(), 0.8796 * std * 0.97, 0.8796 * std * 1.03);
        Assert.True(w.abs().max().item<float>() <= 2 * std + 1e-6);
    }

    [Fact]
    public void Seeded_Initializer_IsReproducible_UnseededDiffers()
    {
        using var a = new RandomNormal(stddev: 0.02, seed: 5).Create(new long[] { 10 }, 10, 10);
        using var b = new RandomNormal(stddev: 0.02, seed: 5).Create(new long[] { 10 }, 10, 10);
        using var c = new RandomNormal(stddev: 0.02).Create(new long[] { 10 }, 10, 10);
        using var d = new RandomNormal(stddev: 0.02).Create(new long[] { 10 }, 10, 10);

        Assert.True(a.equal(b).all().item<bool>());
        Assert.False(c.equal(d).all().item<bool>());
    }

    [Theory]
    [InlineData(new long[] { 3, 5 }, 3, 5)]
    [InlineData(new long[] { 3, 3, 16, 32 }, 144, 288)]
    [InlineData(new long[] { 7 }, 7, 7)]
    public void ComputeFans_FollowsKeras(long[] shape, long fanIn, long fanOut)
    {
        Assert.Equal((fanIn, fanOut), Initializer.ComputeFans(shape));
    }

    [Fact]
    public void NullShapes_AndANonPositiveStddev_AreNamed()
    {
        // Given / When / Then
        Assert.Equal("shape", Assert.Throws<ArgumentNullException>(() => new Zeros().Create(null!, 1, 1)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentNullException>(() => Initializer.ComputeFans(null!)).ParamName);
        Assert.Equal("stddev", Assert.Throws<ArgumentOutOfRangeException>(() => new RandomNormal(stddev: 0)).ParamName);
    }
}
