using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class InputLayerTests
{
    [Fact]
    public void Constructor_BuildsForTheShape_AndMakesTheSymbolicInput()
    {
        // Given / When
        using var input = new InputLayer(new long[] { 1, 28, 28 }, torch.ScalarType.Float64, name: "images");

        // Then it is built for its shape and its output stands for it
        Assert.True(input.Built);
        Assert.Equal(new long[] { 1, 28, 28 }, input.InputShape);
        Assert.Equal(new long[] { 1, 28, 28 }, input.Output.Shape);
        Assert.Equal(torch.ScalarType.Float64, input.Output.DType);
        Assert.Same(input, input.Output.Layer);
        Assert.Empty(input.Output.Node.Inputs);
        Assert.Equal(0, input.CountParams());
    }

    [Fact]
    public void Call_PassesItsTensorThrough_AsANewTensor()
    {
        using var input = new InputLayer(new long[] { 2 });
        using var x = torch.tensor(new float[] { 1, -2 }).reshape(1, 2);

        using var y = input.Call(x);

        Assert.NotSame(x, y);
        Assert.Equal(new float[] { 1, -2 }, y.data<float>().ToArray());
    }

    [Theory]
    [InlineData(new long[] { 3, 0 })]
    [InlineData(new long[] { -1 })]
    [InlineData(new long[] { 0, 0 })]
    public void Constructor_RefusesNonPositiveDimensions_NamingTheArgument(long[] shape)
    {
        var error = Assert.Throws<ArgumentException>(() => new InputLayer(shape));

        Assert.Equal("shape", error.ParamName);
        Assert.Contains("An input shape needs positive dimensions (the batch is left out)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RefusesANullShape()
    {
        Assert.Equal("shape", Assert.Throws<ArgumentNullException>(() => new InputLayer(null!)).ParamName);
    }

    [Fact]
    public void Config_RoundTrips_AndComparesShapeDtypeAndName()
    {
        // Given
        using var input = new InputLayer(new long[] { 4, 2 }, torch.ScalarType.Int64, name: "labels");

        // When
        var config = (InputLayerConfig)input.GetConfig();
        using var copy = (InputLayer)config.CreateLayer();

        // Then configs are equal by value (a fresh shape array too), and differ in any field
        Assert.Equal(new InputLayerConfig(new long[] { 4, 2 }, "Int64", "labels"), config);
        Assert.Equal(new long[] { 4, 2 }, copy.Shape);
        Assert.Equal(torch.ScalarType.Int64, copy.DType);
        Assert.Equal("labels", copy.Name);
        Assert.NotEqual(new InputLayerConfig(new long[] { 4, 3 }, "Int64", "labels"), config);
        Assert.NotEqual(new InputLayerConfig(new long[] { 4, 2 }, "Float32", "labels"), config);
        Assert.NotEqual(new InputLayerConfig(new long[] { 4, 2 }, "Int64", "label"), config);
        Assert.False(config.Equals(null));
    }

    [Fact]
    public void ExportOnnx_RefusesANullContext_OnTheListEntryPoint()
    {
        using var input = new InputLayer(new long[] { 2 });

        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => input.ExportOnnx(null!, new[] { "latent" })).ParamName);
    }
}
