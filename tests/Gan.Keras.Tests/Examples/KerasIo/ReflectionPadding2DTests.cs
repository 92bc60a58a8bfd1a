using Gan.Keras.Examples.KerasPorts.KerasIo;
using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using Gan.Keras.Tests.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Examples.KerasIo;

/// <summary>CycleGAN's user-defined layer goes through the same contract as the library's layers.</summary>
public sealed class ReflectionPadding2DTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given (width 2, height 1) on [2, 3, 4, 5]: rows 4 + 2, columns 5 + 4, no weights
        // When / Then
        LayerHarness.Run(new LayerCase(() => new ReflectionPadding2D((2, 1)), () => new[] { torch.randn(2, 3, 4, 5) }, new long[] { 2, 3, 6, 9 }, 0, 0));
    }

    [Fact]
    public void Call_MirrorsWithoutRepeatingTheBorder_WidthFirstAsTheOriginal()
    {
        // Given a 2×3 image [[1, 2, 3], [4, 5, 6]] padded by 2 columns and 1 row (the original's (width, height) order)
        using var scope = torch.NewDisposeScope();
        using var layer = new ReflectionPadding2D((2, 1));

        // When
        var y = layer.Call(torch.tensor(new float[] { 1, 2, 3, 4, 5, 6 }).reshape(1, 1, 2, 3));

        // Then tf.pad(..., "REFLECT") by hand: row 1 mirrored above and row 0 below; columns c b | a b c | b a
        Assert.Equal(new long[] { 1, 1, 4, 7 }, y.shape);
        Assert.Equal(
            new float[] { 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1, 6, 5, 4, 5, 6, 5, 4, 3, 2, 1, 2, 3, 2, 1 },
            y.data<float>().ToArray());
    }

    [Fact]
    public void Call_RefusesImagesNoLargerThanThePadding()
    {
        using var layer = new ReflectionPadding2D((3, 3));

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(1, 3, 3, 8)));

        Assert.Contains("3×8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given a generator that reflects a 4×4 map, as CycleGAN's generator does before its 7×7 convolutions
        // When / Then the exported Pad (mode reflect) computes what the layer does
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(32), new Reshape(new long[] { 2, 4, 4 }), new ReflectionPadding2D((3, 2)), new Conv2D(2, 3) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }
}
