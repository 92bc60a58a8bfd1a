using System.Runtime.InteropServices;
using Google.Protobuf;
using Onnx;
using TorchSharp;

namespace Gan.Keras.Export.Onnx;

/// <summary>
/// Builds one ONNX graph in memory from the generated <c>onnx.proto</c> classes: graph inputs and outputs, weights as
/// float32 initializers, and nodes with unique names. Nothing is written to disk here.
/// </summary>
internal sealed class OnnxGraphBuilder
{
    private readonly GraphProto graph = new();
    private readonly Dictionary<string, int> counts = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="OnnxGraphBuilder"/> class.</summary>
    /// <param name="name">The graph's name.</param>
    public OnnxGraphBuilder(string name) => graph.Name = name;

    /// <summary>Gets the graph built so far.</summary>
    public GraphProto Graph => graph;

    /// <summary>Returns a value name not used before, from <paramref name="stem"/> (<c>dense_0/MatMul</c>, then <c>dense_0/MatMul_1</c>).</summary>
    public string UniqueName(string stem)
    {
        counts.TryGetValue(stem, out int count);
        counts[stem] = count + 1;
        return count == 0 ? stem : $"{stem}_{count}";
    }

    /// <summary>Declares a graph input; <c>-1</c> dimensions are the symbolic <c>batch</c>.</summary>
    public void AddInput(string name, TensorProto.Types.DataType type, IEnumerable<long> shape) => graph.Input.Add(ValueInfo(name, type, shape));

    /// <summary>Declares a graph output; <c>-1</c> dimensions are the symbolic <c>batch</c>.</summary>
    public void AddOutput(string name, TensorProto.Types.DataType type, IEnumerable<long> shape) => graph.Output.Add(ValueInfo(name, type, shape));

    /// <summary>Adds a weight as a float32 initializer (copied off the device, converted from any floating type) and returns its name.</summary>
    public string AddWeight(string stem, torch.Tensor tensor)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var values = tensor.detach().to(torch.float32, torch.CPU).contiguous();
        return AddFloats(stem, values.shape, values.data<float>().ToArray());
    }

    /// <summary>Adds a float32 constant and returns its name.</summary>
    public string AddFloats(string stem, IEnumerable<long> shape, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tensor = NewTensor(stem, TensorProto.Types.DataType.Float, shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds an int64 constant (shapes, axes) and returns its name.</summary>
    public string AddInt64s(string stem, IEnumerable<long> shape, long[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var tensor = NewTensor(stem, TensorProto.Types.DataType.Int64, shape);
        tensor.RawData = ByteString.CopyFrom(MemoryMarshal.AsBytes(values.AsSpan()));
        graph.Initializer.Add(tensor);
        return tensor.Name;
    }

    /// <summary>Adds a node of the default (<c>ai.onnx</c>) domain and returns the name of its one output.</summary>
    /// <param name="opType">The operator (<c>Gemm</c>, <c>Conv</c>, ...).</param>
    /// <param name="stem">The prefix of the node's and its output's names (the layer's name).</param>
    /// <param name="inputs">Input value names; an empty string skips an optional input.</param>
    /// <param name="attributes">Attributes, built with the <c>Attribute</c> helpers.</param>
    public string AddNode(string opType, string stem, IEnumerable<string> inputs, params AttributeProto[] attributes)
    {
        string name = UniqueName($"{stem}/{opType}");
        var node = new NodeProto { OpType = opType, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(name);
        node.Attribute.AddRange(attributes);
        graph.Node.Add(node);
        return name;
    }

    /// <summary>Adds a node whose output has a given name (the graph's output).</summary>
    public void AddNodeWithOutput(string opType, string output, IEnumerable<string> inputs)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName($"{output}/{opType}") };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        graph.Node.Add(node);
    }

    /// <summary>A float attribute.</summary>
    public static AttributeProto Attribute(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    /// <summary>An integer attribute.</summary>
    public static AttributeProto Attribute(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    /// <summary>A string attribute.</summary>
    public static AttributeProto Attribute(string name, string value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    /// <summary>An integer-list attribute.</summary>
    public static AttributeProto Attribute(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private TensorProto NewTensor(string stem, TensorProto.Types.DataType type, IEnumerable<long> shape)
    {
        var tensor = new TensorProto { Name = UniqueName(stem), DataType = (int)type };
        tensor.Dims.AddRange(shape);
        return tensor;
    }

    private static ValueInfoProto ValueInfo(string name, TensorProto.Types.DataType type, IEnumerable<long> shape)
    {
        var tensorShape = new TensorShapeProto();
        foreach (long d in shape)
            tensorShape.Dim.Add(d < 0 ? new TensorShapeProto.Types.Dimension { DimParam = "batch" } : new TensorShapeProto.Types.Dimension { DimValue = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = tensorShape } },
        };
    }
}
