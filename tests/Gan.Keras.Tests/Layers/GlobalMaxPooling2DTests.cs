using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class GlobalMaxPooling2DTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void MeetsLayerContract(bool keepDims)
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new GlobalMaxPooling2D(keepDims), () => new[] { torch.randn(2, 3, 4, 5) },
            keepDims ? new long[] { 2, 3, 1, 1 } : new long[] { 2, 3 }, 0, 0));
    }

    [Fact]
    public void Call_TakesEachChannelsLargestValue()
    {
        // Given two channels, [[1, -2], [3, 0]] and [[-5, -1], [-4, -3]]
        using var scope = torch.NewDisposeScope();
        using var layer = new GlobalMaxPooling2D();

        // When
        var output = layer.Call(torch.tensor(new float[] { 1, -2, 3, 0, -5, -1, -4, -3 }).reshape(1, 2, 2, 2));

        // Then
        Assert.Equal(new float[] { 3, -1 }, output.data<float>().ToArray());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Onnx_MatchesInference(bool keepDims)
    {
        // Given pooled features, followed by a Dense when flat
        // When / Then
        var layers = new List<Layer> { new Dense(60), new Reshape(new long[] { 3, 4, 5 }), new GlobalMaxPooling2D(keepDims) };
        if (!keepDims) layers.Add(new Dense(4));
        double error = OnnxLayerCheck.MaxError(layers, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RefusesNullAndFlatShapes(bool keepDims)
    {
        // Given / When / Then
        using var layer = new GlobalMaxPooling2D(keepDims, name: "probe");
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }
}
