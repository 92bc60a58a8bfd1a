using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class AveragePooling2DTests
{
    [Fact]
    public void MeetsLayerContract_Valid()
    {
        // Given / When / Then: Keras's defaults, 2x2 windows 2 apart
        LayerHarness.Run(new LayerCase(() => new AveragePooling2D(), () => new[] { torch.randn(2, 3, 6, 7) }, new long[] { 2, 3, 3, 3 }, 0, 0));
    }

    [Fact]
    public void MeetsLayerContract_Same()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new AveragePooling2D((2, 3), strides: (1, 2), padding: "same"), () => new[] { torch.randn(2, 3, 5, 6) }, new long[] { 2, 3, 5, 3 }, 0, 0));
    }

    [Fact]
    public void Valid_AveragesEachWindow()
    {
        // Given a 4x4 image 1..16
        using var scope = torch.NewDisposeScope();
        using var layer = new AveragePooling2D();

        // When
        var output = layer.Call(torch.arange(1, 17, torch.float32).reshape(1, 1, 4, 4));

        // Then (1 + 2 + 5 + 6) / 4 = 3.5, ...
        Assert.Equal(new float[] { 3.5f, 5.5f, 11.5f, 13.5f }, output.data<float>().ToArray());
    }

    [Fact]
    public void Same_LeavesThePaddingOutOfTheMean()
    {
        // Given [1, 2, 3] with windows of 3, 1 apart: "same" pads one position on each side
        using var scope = torch.NewDisposeScope();
        using var layer = new AveragePooling2D((1, 3), strides: (1, 1), padding: "same");

        // When
        var output = layer.Call(torch.tensor(new float[] { 1, 2, 3 }).reshape(1, 1, 1, 3));

        // Then (1 + 2) / 2, (1 + 2 + 3) / 3, (2 + 3) / 2, as TensorFlow (a zero-counting mean would give 1, 2, 5/3)
        var actual = output.data<float>().ToArray();
        Assert.Equal(1.5, actual[0], 5);
        Assert.Equal(2.0, actual[1], 5);
        Assert.Equal(2.5, actual[2], 5);
    }

    [Theory]
    [InlineData("valid")]
    [InlineData("same")]
    public void Onnx_MatchesInference(string padding)
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(60), new Reshape(new long[] { 2, 5, 6 }), new AveragePooling2D(3, strides: 2, padding: padding) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }
}
