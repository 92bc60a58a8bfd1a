using Gan.Keras.Cli.Serving;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Serving;

public class LatentWalkTests
{
    [Fact]
    public void Latents_AreThoseOfGenerate_ForTheSameSeed()
    {
        // Given a GAN and a seed
        using var gan = TinyGan.Create();
        using var scope = torch.NewDisposeScope();

        // When the served latent vectors go through the generator, and Generate uses the seed
        var served = gan.GenerateFrom(LatentWalk.Latents(1234, 5, gan.LatentDim));
        var generated = gan.Generate(5, seed: 1234);

        // Then the samples are the same: a seed on the page is a seed of `gan sample`
        Assert.Equal(TensorAssert.Bytes(generated), TensorAssert.Bytes(served));
    }

    [Fact]
    public void Slerp_StartsAndEndsAtTheSeeds_AndKeepsTheNormNearTheirs()
    {
        // Given two latent batches of a 64-dimensional Gaussian
        using var scope = torch.NewDisposeScope();
        var a = LatentWalk.Latents(1, 8, 64);
        var b = LatentWalk.Latents(2, 8, 64);

        // When they are interpolated at 0, 1 and halfway
        var start = LatentWalk.Slerp(a, b, 0);
        var end = LatentWalk.Slerp(a, b, 1);
        var middle = LatentWalk.Slerp(a, b, 0.5);

        // Then the ends are exactly the seeds' vectors, and halfway the norms stay near sqrt(64) (a straight line would shrink them to about 0.7 of it)
        Assert.Equal(TensorAssert.Bytes(a), TensorAssert.Bytes(start));
        Assert.Equal(TensorAssert.Bytes(b), TensorAssert.Bytes(end));
        var norms = middle.norm(1);
        var expected = (a.norm(1) + b.norm(1)) / 2;
        Assert.True(((norms - expected).abs() / expected).max().item<float>() < 0.05);
        var straight = ((a + b) / 2).norm(1);
        Assert.True((straight / expected).mean().item<float>() < 0.85);
    }

    [Fact]
    public void Slerp_OfParallelVectors_IsLinear()
    {
        using var scope = torch.NewDisposeScope();
        var a = torch.tensor(new float[] { 1, 2, 3 }, new long[] { 1, 3 });

        var middle = LatentWalk.Slerp(a, a * 3, 0.5);

        Assert.True((middle - a * 2).abs().max().item<float>() < 1e-6);
    }
}
