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
}
