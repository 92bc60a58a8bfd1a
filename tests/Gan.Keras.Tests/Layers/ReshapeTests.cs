using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class ReshapeTests
{
    [Theory]
    [InlineData(new long[0])]           // no dimensions
    [InlineData(new long[] { -1, -1 })] // two unknowns
    [InlineData(new long[] { 0, 3 })]   // an empty dimension first
    [InlineData(new long[] { 3, 0 })]   // an empty dimension last
    [InlineData(new long[] { -2, 3 })]  // a negative other than −1
    public void Constructor_RefusesInvalidTargets_NamingTheArgument(long[] target)
    {
        // Given / When
        var error = Assert.Throws<ArgumentException>(() => new Reshape(target));

        // Then
        Assert.Equal("targetShape", error.ParamName);
        Assert.Contains("at most one -1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_AcceptsOneUnknown_AndRefusesNull()
    {
        // Given / When
        using var layer = new Reshape(new long[] { -1, 3 });

        // Then the unknown is inferred, and a null target is named
        Assert.Equal(new long[] { 4, 3 }, layer.ComputeOutputShape(new long[] { 2, 6 }));
        Assert.Equal("targetShape", Assert.Throws<ArgumentNullException>(() => new Reshape(null!)).ParamName);
    }

    [Fact]
    public void Config_EqualsOnlyTheSameNameAndTarget()
    {
        // Given / When / Then
        var config = new ReshapeConfig(new long[] { 2, 3 }, "a");
        Assert.Equal(config, new ReshapeConfig(new long[] { 2, 3 }, "a"));
        Assert.NotEqual(config, new ReshapeConfig(new long[] { 2, 3 }, "b"));
        Assert.NotEqual(config, new ReshapeConfig(new long[] { 3, 2 }, "a"));
        Assert.False(config.Equals(null));
    }

    [Fact]
    public void Onnx_MatchesInference_AndRefusesANullContext()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(12), new Reshape(new long[] { 2, -1, 3 }), new Reshape(new long[] { 6, 2 }) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
        using var layer = new Reshape(new long[] { 2, 2 });
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => layer.ExportOnnx(null!, "x")).ParamName);
    }
}
