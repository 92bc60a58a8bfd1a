using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class ConcatenateTests
{
    private static torch.Tensor CallConcatenate(Layer layer, torch.Tensor[] inputs, bool training) => ((Concatenate)layer).Call(inputs, training);

    private static IReadOnlyList<long> ShapeOf(Layer layer, IReadOnlyList<long>[] shapes) => ((Concatenate)layer).ComputeOutputShape(shapes);

    [Fact]
    public void MeetsLayerContract_OnFeatures()
    {
        // Given a latent vector [3, 8] and a label embedding [3, 4]
        // When / Then the result is [3, 12] with no weights
        LayerHarness.Run(new LayerCase(() => new Concatenate(), () => new[] { torch.randn(3, 8), torch.randn(3, 4) }, new long[] { 3, 12 }, 0, 0,
            CallConcatenate, ShapeOf));
    }

    [Fact]
    public void MeetsLayerContract_OnImageChannels()
    {
        // Given NCHW images [2, 1, 5, 5] and label maps [2, 10, 5, 5], axis 1 (Keras's −1 on channels-last)
        // When / Then
        LayerHarness.Run(new LayerCase(() => new Concatenate(axis: 1), () => new[] { torch.randn(2, 1, 5, 5), torch.randn(2, 10, 5, 5) }, new long[] { 2, 11, 5, 5 }, 0, 0,
            CallConcatenate, ShapeOf));
    }

    [Fact]
    public void Call_RaisesClearError_WhenShapesDifferOffTheAxis()
    {
        // Given
        using var concatenate = new Concatenate(name: "join");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => concatenate.Call(new[] { torch.zeros(2, 1, 5, 5), torch.zeros(2, 3, 4, 4) }));

        // Then
        Assert.Contains("Layer 'join' (Concatenate) along axis 1 needs inputs that match on every other axis", error.Message, StringComparison.Ordinal);
        Assert.Contains("(None, 1, 5, 5), (None, 3, 4, 4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void SingleInputCall_RaisesClearError()
    {
        // Given
        using var concatenate = new Concatenate();

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => concatenate.Call(torch.zeros(2, 3)));

        // Then
        Assert.Contains("merges several inputs: call it on a list", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeAxis_CountsFromTheEnd()
    {
        // Given [2, 2, 3] and [2, 2, 1], joined on axis −1 (the last)
        using var concatenate = new Concatenate(axis: -1);
        using var a = torch.arange(12, dtype: torch.float32).reshape(2, 2, 3);
        using var b = torch.full(new long[] { 2, 2, 1 }, -1f);

        // When
        using var output = concatenate.Call(new[] { a, b });

        // Then each row of three gets the −1 appended, and the shape computation agrees
        Assert.Equal(new long[] { 2, 2, 4 }, output.shape);
        Assert.Equal(new float[] { 0, 1, 2, -1, 3, 4, 5, -1 }, output[0].reshape(-1).data<float>().ToArray());
        Assert.Equal(new long[] { 2, 4 }, concatenate.ComputeOutputShape(new IReadOnlyList<long>[] { new long[] { 2, 3 }, new long[] { 2, 1 } }));
    }

    [Fact]
    public void Constructor_RefusesTheBatchAxis_NamingTheArgument()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Concatenate(axis: 0));

        Assert.Equal("axis", error.ParamName);
        Assert.Contains("cannot join along the batch axis 0", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-2)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(-3)]
    public void AxisOutsideTheFeatures_IsRefused_NamingAxisAndRank(int axis)
    {
        // Given [batch, 3] inputs, whose only joinable axis is 1 (−2 resolves to the batch axis)
        using var concatenate = new Concatenate(axis: axis, name: "join");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => concatenate.Call(new[] { torch.zeros(2, 3), torch.zeros(2, 3) }));

        // Then
        Assert.Contains($"Layer 'join' (Concatenate) axis {axis} is out of range for inputs of rank 2 (batch included), or is the batch axis.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetConfig_RoundTripsTheAxis()
    {
        using var concatenate = new Concatenate(axis: -1, name: "join");

        var config = concatenate.GetConfig();

        Assert.Equal(new ConcatenateConfig(-1, "join"), config);
        Assert.Equal(-1, ((Concatenate)config.CreateLayer()).Axis);
    }

    [Fact]
    public void Onnx_MatchesInference_OnFeaturesAndOnANegativeAxis()
    {
        // Given two projections joined on axis 1, then reshaped and joined on axis −1
        // When exported and run by ONNX Runtime
        var (error, _) = LayerOnnxCheck.Run(z =>
        {
            var joined = new Concatenate().Call(new Dense(4).Call(z), new Dense(2).Call(z));
            var rows = new Reshape([2, 3]).Call(joined);
            return new Concatenate(axis: -1).Call(rows, new Reshape([2, 1]).Call(new Dense(2).Call(z)));
        }, latentDim: 3);

        // Then
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }
}
