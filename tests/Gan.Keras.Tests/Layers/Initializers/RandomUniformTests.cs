using Gan.Keras.Layers.Initializers;
using Xunit;

namespace Gan.Keras.Tests.Layers.Initializers;

public class RandomUniformTests
{
    [Fact]
    public void Create_DrawsWithinBounds_AndRepeatsWithASeed()
    {
        // Given a seeded U(−0.05, 0.05), Keras's default
        var initializer = new RandomUniform(seed: 4);

        // When
        using var a = initializer.Create(new long[] { 100, 10 }, 100, 10);
        using var b = initializer.Create(new long[] { 100, 10 }, 100, 10);

        // Then
        Assert.InRange(a.min().item<float>(), -0.05f, -0.04f);
        Assert.InRange(a.max().item<float>(), 0.04f, 0.05f);
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomUniform(0.1, 0.1));
    }
}
