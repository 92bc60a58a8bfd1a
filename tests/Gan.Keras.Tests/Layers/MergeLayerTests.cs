using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class MergeLayerTests
{
    private static readonly float[] A = { 1, -2, 3, 0.5f };
    private static readonly float[] B = { 4, 5, -6, 2 };
    private static readonly float[] C = { -1, 0.25f, 2, 8 };

    private static torch.Tensor Row(float[] values) => torch.tensor(values).reshape(1, 4);

    public static TheoryData<string, float[]> ElementWise => new()
    {
        { nameof(Add), new float[] { 4, 3.25f, -1, 10.5f } },
        { nameof(Multiply), new float[] { -4, -2.5f, -36, 8 } },
        { nameof(Average), new float[] { 4 / 3f, 3.25f / 3, -1 / 3f, 3.5f } },
        { nameof(Maximum), new float[] { 4, 5, 3, 8 } },
        { nameof(Minimum), new float[] { -1, -2, -6, 0.5f } },
    };

    private static MergeLayer Create(string type) => type switch
    {
        nameof(Add) => new Add(),
        nameof(Multiply) => new Multiply(),
        nameof(Average) => new Average(),
        nameof(Maximum) => new Maximum(),
        _ => new Minimum(),
    };

    [Theory]
    [MemberData(nameof(ElementWise))]
    public void ElementWiseMerge_OfThreeInputs_MatchesHandComputedValues(string type, float[] expected)
    {
        // Given three rows
        using var layer = Create(type);

        // When
        var output = layer.Call(new[] { Row(A), Row(B), Row(C) });

        // Then
        Assert.Equal(expected, output.data<float>().ToArray(), new FloatTolerance(1e-6f));
    }

    [Fact]
    public void Subtract_TakesTheSecondFromTheFirst_AndRefusesAThird()
    {
        // Given
        using var subtract = new Subtract(name: "diff");

        // When
        var output = subtract.Call(new[] { Row(A), Row(B) });
        var error = Assert.Throws<IncompatibleInputException>(() => new Subtract(name: "diff3").Call(new[] { Row(A), Row(B), Row(C) }));

        // Then
        Assert.Equal(new float[] { -3, -7, 9, -1.5f }, output.data<float>().ToArray());
        Assert.Contains("'diff3' (Subtract) needs exactly 2 inputs, but received 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dot_IsTheDotProduct_OrTheCosineWhenNormalized()
    {
        // Given
        using var dot = new Dot();
        using var cosine = new Dot(normalize: true);

        // When
        var product = dot.Call(new[] { Row(A), Row(B) }).item<float>();
        var similarity = cosine.Call(new[] { Row(A), Row(B) }).item<float>();

        // Then: 4 − 10 − 18 + 1 = −23; |A| = √14.25, |B| = √81
        Assert.Equal(-23f, product, 5);
        Assert.Equal(-23 / (MathF.Sqrt(14.25f) * 9), similarity, 5);
    }

    [Fact]
    public void Add_Broadcasts_DimensionsOfOne()
    {
        // Given a [2, 3, 4, 4] map and a per-channel [2, 3, 1, 1] offset
        using var add = new Add();

        // When
        var output = add.Call(new[] { torch.zeros(2, 3, 4, 4), torch.ones(2, 3, 1, 1) });

        // Then
        Assert.Equal(new long[] { 2, 3, 4, 4 }, output.shape);
        Assert.Equal(96f, output.sum().item<float>());
    }

    [Fact]
    public void Merge_RefusesOneTensor_WithAClearError()
    {
        // Given
        using var add = new Add(name: "join");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => add.Call(torch.zeros(2, 3)));

        // Then
        Assert.Contains("'join' (Add) merges several inputs", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ElementWiseMerges_MeetTheLayerContract()
    {
        foreach (var type in new[] { nameof(Add), nameof(Multiply), nameof(Average), nameof(Maximum), nameof(Minimum) })
            LayerHarness.Run(new LayerCase(() => Create(type), () => new[] { torch.randn(3, 5), torch.randn(3, 5) }, new long[] { 3, 5 }, 0, 0,
                (layer, inputs, training) => layer.Call(inputs, training), (layer, shapes) => layer.ComputeOutputShape(shapes)));
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
