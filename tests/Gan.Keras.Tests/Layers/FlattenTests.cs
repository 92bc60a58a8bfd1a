using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class FlattenTests
{
    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given images flattened into features for a Dense
        // When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new Flatten(), new Dense(5) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }
}
