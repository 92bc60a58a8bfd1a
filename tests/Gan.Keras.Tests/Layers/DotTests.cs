using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class DotTests
{
    // Two examples of three features (batch ≠ features, so a dropped keepdim cannot broadcast by accident).
    private static torch.Tensor A() => torch.tensor(new float[] { 1, 2, 2, 0, -3, 4 }).reshape(2, 3);

    private static torch.Tensor B() => torch.tensor(new float[] { 2, -1, 0.5f, 1, 2, 1 }).reshape(2, 3);

    [Theory]
    [InlineData(1)]
    [InlineData(-1)]
    public void Call_GivesEachExamplesDotProduct_AsABatchOfOne(int axes)
    {
        // Given
        using var dot = new Dot(axes);

        // When
        using var output = dot.Call(new[] { A(), B() });

        // Then 2 − 2 + 1 = 1 and 0 − 6 + 4 = −2, one per example: shape [batch, 1]
        Assert.Equal(new long[] { 2, 1 }, output.shape);
        Assert.Equal(new float[] { 1, -2 }, output.data<float>().ToArray());
        Assert.Equal(axes, dot.Axes);
    }

    [Fact]
    public void Normalize_GivesTheCosineSimilarity_PerExample()
    {
        // Given
        using var dot = new Dot(normalize: true);

        // When
        using var output = dot.Call(new[] { A(), B() });

        // Then |a₀| = 3, |b₀| = √5.25, |a₁| = 5, |b₁| = √6
        Assert.Equal(new long[] { 2, 1 }, output.shape);
        Assert.Equal(1 / (3 * Math.Sqrt(5.25)), output[0, 0].item<float>(), 1e-6);
        Assert.Equal(-2 / (5 * Math.Sqrt(6)), output[1, 0].item<float>(), 1e-6);
    }

    [Fact]
    public void Normalize_LeavesAZeroVectorAtZero_ThroughTheKerasFloor()
    {
        // Given a zero vector, whose norm Keras floors at √1e-12
        using var dot = new Dot(normalize: true);

        // When
        using var output = dot.Call(new[] { torch.zeros(1, 3), torch.ones(1, 3) });

        // Then no NaN
        Assert.Equal(0f, output.item<float>());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(-2)]
    public void Constructor_RefusesAnotherAxis_NamingTheArgument(int axes)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Dot(axes));

        Assert.Equal("axes", error.ParamName);
        Assert.Contains("use axes 1 (or -1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ComputeOutputShape_IsOnePerExample()
    {
        using var dot = new Dot();

        Assert.Equal(new long[] { 1 }, dot.ComputeOutputShape(new IReadOnlyList<long>[] { new long[] { 7 }, new long[] { 7 } }));
    }

    [Theory]
    [InlineData(new long[] { 3 }, new long[] { 4 })]
    [InlineData(new long[] { 3 }, new long[] { 3, 2 })]
    [InlineData(new long[] { 3, 2 }, new long[] { 3 })]
    [InlineData(new long[] { 2, 3 }, new long[] { 2, 3 })]
    public void ComputeOutputShape_RefusesAnythingButTwoVectorsOfOneLength(long[] a, long[] b)
    {
        using var dot = new Dot(name: "similarity");

        var error = Assert.Throws<IncompatibleInputException>(() => dot.ComputeOutputShape(new IReadOnlyList<long>[] { a, b }));

        Assert.Contains("'similarity' (Dot) takes two vectors of the same length per example", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetConfig_RoundTripsAxesAndNormalize()
    {
        using var dot = new Dot(-1, normalize: true, name: "cos");

        var config = dot.GetConfig();
        using var copy = (Dot)config.CreateLayer();

        Assert.Equal(new DotConfig(-1, true, "cos"), config);
        Assert.Equal(-1, copy.Axes);
        Assert.True(copy.Normalize);
    }

    [Fact]
    public void Onnx_MatchesInference_WithAndWithoutNormalize_AndNamesItsConstantsAfterTheLayer()
    {
        // Given a generator that takes the dot product and the cosine of two projections of the latent vector
        var plain = new Dot(name: "plain");
        var cosine = new Dot(normalize: true, name: "cosine");

        // When exported and run by ONNX Runtime
        var (error, model) = LayerOnnxCheck.Run(z =>
        {
            var a = new Dense(5).Call(z);
            var b = new Dense(5).Call(z);
            return new Concatenate().Call(plain.Call(a, b), cosine.Call(a, b));
        }, latentDim: 4);

        // Then both agree with the layers, and the constants carry the layer's name
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
        var constants = model.Graph.Initializer.Select(t => t.Name).ToArray();
        Assert.Contains("plain.axes", constants);
        Assert.Contains("cosine.epsilon", constants);
        Assert.DoesNotContain("plain.epsilon", constants);
    }
}
