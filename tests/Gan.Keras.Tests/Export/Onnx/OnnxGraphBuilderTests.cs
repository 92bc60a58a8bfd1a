using Gan.Keras.Export.Onnx;
using Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>The in-memory graph builder: its naming scheme, its argument checks and how it declares dimensions.</summary>
public class OnnxGraphBuilderTests
{
    [Fact]
    public void UniqueName_KeepsTheFirstUse_AndNumbersLaterUsesFromOne()
    {
        // Given a builder
        var builder = new OnnxGraphBuilder("g");

        // When one stem is asked for three times, with another stem in between
        string first = builder.UniqueName("dense_0/MatMul");
        string other = builder.UniqueName("dense_1/MatMul");
        string second = builder.UniqueName("dense_0/MatMul");
        string third = builder.UniqueName("dense_0/MatMul");

        // Then the first use is the stem itself and later ones count 1, 2 per stem (as the documentation promises)
        Assert.Equal(new[] { "dense_0/MatMul", "dense_1/MatMul", "dense_0/MatMul_1", "dense_0/MatMul_2" }, new[] { first, other, second, third });
    }

    [Fact]
    public void AddWeight_RejectsANullTensor_NamingTheParameter()
    {
        var builder = new OnnxGraphBuilder("g");

        var error = Assert.Throws<ArgumentNullException>(() => builder.AddWeight("w", null!));

        Assert.Equal("tensor", error.ParamName);
        Assert.Empty(builder.Graph.Initializer);
    }

    [Fact]
    public void AddFloats_RejectsNullValues_InsteadOfWritingAnEmptyInitializer()
    {
        var builder = new OnnxGraphBuilder("g");

        var error = Assert.Throws<ArgumentNullException>(() => builder.AddFloats("w", new long[] { 2 }, null!));

        Assert.Equal("values", error.ParamName);
        Assert.Empty(builder.Graph.Initializer);
    }

    [Fact]
    public void AddInt64s_RejectsNullValues_InsteadOfWritingAnEmptyInitializer()
    {
        var builder = new OnnxGraphBuilder("g");

        var error = Assert.Throws<ArgumentNullException>(() => builder.AddInt64s("shape", new long[] { 2 }, null!));

        Assert.Equal("values", error.ParamName);
        Assert.Empty(builder.Graph.Initializer);
    }

    [Fact]
    public void AddWeight_StoresTheTensorAsFloat32_WithItsShape()
    {
        // Given a float64 [2, 3] tensor with distinct values
        var builder = new OnnxGraphBuilder("g");
        using var tensor = torch.tensor(new double[] { 1.5, -2, 3.25, 0, -0.5, 7 }, new long[] { 2, 3 });

        // When it is added as a weight
        string name = builder.AddWeight("dense_0.kernel", tensor);

        // Then one float32 initializer of that name holds the values in row-major order
        var initializer = Assert.Single(builder.Graph.Initializer);
        Assert.Equal("dense_0.kernel", name);
        Assert.Equal(name, initializer.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, initializer.DataType);
        Assert.Equal(new long[] { 2, 3 }, initializer.Dims);
        var values = new float[6];
        initializer.RawData.Span.CopyTo(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values.AsSpan()));
        Assert.Equal(new[] { 1.5f, -2, 3.25f, 0, -0.5f, 7 }, values);
    }

    [Fact]
    public void AddInput_MakesOnlyNegativeDimensionsTheSymbolicBatch()
    {
        // Given a builder
        var builder = new OnnxGraphBuilder("g");

        // When an input of shape [-1, 0, 3] is declared (a zero-length axis is a legal fixed size)
        builder.AddInput("x", TensorProto.Types.DataType.Float, new long[] { -1, 0, 3 });

        // Then the first axis is 'batch' and the others keep their sizes, 0 included
        var dims = Assert.Single(builder.Graph.Input).Type.TensorType.Shape.Dim;
        Assert.Equal("batch", dims[0].DimParam);
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, dims[1].ValueCase);
        Assert.Equal(0, dims[1].DimValue);
        Assert.Equal(TensorShapeProto.Types.Dimension.ValueOneofCase.DimValue, dims[2].ValueCase);
        Assert.Equal(3, dims[2].DimValue);
    }
}
