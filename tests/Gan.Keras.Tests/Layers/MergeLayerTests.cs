using Gan.Keras.Export.Onnx;
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

    [Fact]
    public void Add_Broadcasts_WhenTheFirstInputHasTheOnes()
    {
        // Given a per-channel [2, 3, 1, 1] offset first and a [2, 3, 4, 4] map second
        using var add = new Add();

        // When
        var output = add.Call(new[] { torch.ones(2, 3, 1, 1), torch.zeros(2, 3, 4, 4) });

        // Then the output takes the larger size on every axis, from data and from shapes
        Assert.Equal(new long[] { 2, 3, 4, 4 }, output.shape);
        Assert.Equal(96f, output.sum().item<float>());
        Assert.Equal(new long[] { 3, 4, 4 }, new Add().ComputeOutputShape(new IReadOnlyList<long>[] { new long[] { 3, 1, 1 }, new long[] { 3, 4, 4 } }));
        Assert.Equal(new long[] { 3, 4, 4 }, new Add().ComputeOutputShape(new IReadOnlyList<long>[] { new long[] { 3, 1, 4 }, new long[] { 3, 4, 1 } }));
    }

    [Theory]
    [InlineData(new long[] { 2, 3 }, new long[] { 2, 4 })]
    [InlineData(new long[] { 3, 4 }, new long[] { 2, 4 })]
    [InlineData(new long[] { 3 }, new long[] { 3, 1 })]
    public void ElementWiseMerge_RefusesShapesThatDoNotBroadcast_ShowingThem(long[] a, long[] b)
    {
        // Given
        using var add = new Add(name: "join");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => add.ComputeOutputShape(new IReadOnlyList<long>[] { a, a, b }));

        // Then
        Assert.Contains("Layer 'join' (Add) needs inputs of the same shape (or dimensions of 1 that broadcast), but received", error.Message, StringComparison.Ordinal);
        Assert.Equal(a, error.Expected);
        Assert.Equal(b, error.Actual);
    }

    [Fact]
    public void Build_RefusesOneShape_AndComputeOutputShapeToo()
    {
        // Given
        using var add = new Add(name: "join");
        var one = new IReadOnlyList<long>[] { new long[] { 3 } };

        // When
        var build = Assert.Throws<IncompatibleInputException>(() => add.Build(one));
        var shape = Assert.Throws<IncompatibleInputException>(() => add.ComputeOutputShape(one));

        // Then
        Assert.Equal("Layer 'join' (Add) needs at least 2 inputs, but received 1.", build.Message);
        Assert.Equal(build.Message, shape.Message);
        Assert.False(add.Built);
    }

    [Fact]
    public void BuiltMerge_CalledOnOneTensorInAList_SaysItNeedsTwo()
    {
        // Given an Add built for two [3] inputs
        using var add = new Add(name: "join");
        add.Call(new[] { torch.zeros(2, 3), torch.zeros(2, 3) });

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => add.Call(new[] { torch.zeros(2, 3) }));

        // Then the count is named, not a shape mismatch
        Assert.Equal("Layer 'join' (Add) needs at least 2 inputs, but received 1.", error.Message);
    }

    [Fact]
    public void NullArguments_AreRefused_NamingTheArgument()
    {
        using var add = new Add();
        using var concatenate = new Concatenate();
        var onnx = new OnnxExportContext(new OnnxGraphBuilder("g"), new Dictionary<string, torch.Tensor>());

        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => add.Call((IReadOnlyList<torch.Tensor>)null!)).ParamName);
        Assert.Equal("inputShapes", Assert.Throws<ArgumentNullException>(() => add.ComputeOutputShape((IReadOnlyList<IReadOnlyList<long>>)null!)).ParamName);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => add.ExportOnnx(null!, new[] { "a", "b" })).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => concatenate.ExportOnnx(onnx, (IReadOnlyList<string>)null!)).ParamName);
        Assert.Equal("inputShapes", Assert.Throws<ArgumentNullException>(() => new ExposedMerge().Validate(null!)).ParamName);
    }

    [Fact]
    public void Onnx_RefusesAMergeCalledOnOneInputInTheGraph()
    {
        // Given
        using var add = new Add(name: "join");
        var onnx = new OnnxExportContext(new OnnxGraphBuilder("g"), new Dictionary<string, torch.Tensor>());

        // When
        add.ExportOnnx(onnx, "x");

        // Then
        Assert.Equal("is called on one input in the graph", Assert.Single(onnx.Refusals).Reason);
    }

    [Fact]
    public void Onnx_MatchesInference_ForEveryElementWiseMerge()
    {
        // Given three projections of the latent vector merged by each layer (three inputs where a layer takes them)
        // When exported and run by ONNX Runtime
        var (error, _) = LayerOnnxCheck.Run(z =>
        {
            var (a, b, c) = (new Dense(4).Call(z), new Dense(4).Call(z), new Dense(4).Call(z));
            return new Concatenate().Call(
                new Add().Call(a, b, c), new Subtract().Call(a, b), new Multiply().Call(a, b, c),
                new Average().Call(a, b, c), new Maximum().Call(a, b, c), new Minimum().Call(a, b, c));
        }, latentDim: 3);

        // Then
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void GetConfig_RoundTripsEveryElementWiseMerge()
    {
        foreach (MergeLayer layer in new MergeLayer[] { new Add("m"), new Subtract("m"), new Multiply("m"), new Average("m"), new Maximum("m"), new Minimum("m") })
        {
            var config = layer.GetConfig();
            using var copy = config.CreateLayer();
            Assert.Equal(layer.GetType(), copy.GetType());
            Assert.Equal("m", copy.Name);
            layer.Dispose();
        }
    }

    /// <summary>A custom merge (MergeLayer is an extension point) that exposes the base checks.</summary>
    private sealed class ExposedMerge() : MergeLayer(null)
    {
        public void Validate(IReadOnlyList<IReadOnlyList<long>> shapes) => ValidateInputShapes(shapes);

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs) => inputs[0].alias();

        protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs) => inputs[0];
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float x, float y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(float obj) => 0;
    }
}
