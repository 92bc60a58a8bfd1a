using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Onnx;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>
/// The exported graph's declared interface and node names, read from the <c>ModelProto</c> itself (ONNX Runtime reports
/// shapes it infers, which can hide a wrongly declared output): what a consumer binds to before running anything.
/// </summary>
public class OnnxGraphSignatureTests
{
    [Fact]
    public void DeclaredOutput_IsFloatSamples_WithTheBatchAxisThenTheSampleShape()
    {
        // Given a generator of latent [batch, 3] to images [batch, 2, 3, 3]
        RandomSeed.Set(2);
        var generator = new Sequential(new Layer[] { new Dense(18), new Reshape(new long[] { 2, 3, 3 }) }, inputShape: new long[] { 3 }, name: "generator");
        using var gan = new GanModel(generator, new Sequential(new Layer[] { new Flatten(), new Dense(1) }, inputShape: new long[] { 2, 3, 3 }), latentDim: 3, seed: 1);

        // When it is exported
        var graph = ModelProto.Parser.ParseFrom(OnnxExporter.ExportGeneratorToBytes(gan)).Graph;

        // Then the graph declares one float input 'latent' [batch, 3] and one float output 'samples' [batch, 2, 3, 3]
        var input = Assert.Single(graph.Input);
        Assert.Equal("latent", input.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, input.Type.TensorType.ElemType);
        Assert.Equal(new[] { "batch", "3" }, Dims(input));
        var output = Assert.Single(graph.Output);
        Assert.Equal("samples", output.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, output.Type.TensorType.ElemType);
        Assert.Equal(new[] { "batch", "2", "3", "3" }, Dims(output));
    }

    [Fact]
    public void EveryNode_HasANonEmptyName_NoTwoAlike_EvenForASharedLayerCalledTwice()
    {
        // Given a functional generator that calls one Dense twice (its nodes and weights are added twice under one stem)
        var z = Keras.Input([4], name: "latent");
        var shared = new Dense(4, "tanh", name: "shared");
        var output = new Add().Call(shared.Call(shared.Call(z)), z);
        using var gan = new GanModel(new Functional(z, output, name: "generator"),
            new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 4 }), latentDim: 4, seed: 1);

        // When it is exported
        var graph = ModelProto.Parser.ParseFrom(OnnxExporter.ExportGeneratorToBytes(gan)).Graph;

        // Then node names are all present and distinct, every value is produced by one node, and 'samples' by the last
        Assert.All(graph.Node, n => Assert.False(string.IsNullOrEmpty(n.Name), $"a {n.OpType} node has no name"));
        Assert.Equal(graph.Node.Count, graph.Node.Select(n => n.Name).Distinct().Count());
        var produced = graph.Node.SelectMany(n => n.Output).ToList();
        Assert.Equal(produced.Count, produced.Distinct().Count());
        Assert.Equal(new[] { "samples" }, graph.Node[^1].Output);
        Assert.Equal(graph.Initializer.Count, graph.Initializer.Select(i => i.Name).Distinct().Count());
    }

    private static string[] Dims(ValueInfoProto value) =>
        value.Type.TensorType.Shape.Dim.Select(d => d.ValueCase == TensorShapeProto.Types.Dimension.ValueOneofCase.DimParam ? d.DimParam : d.DimValue.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
}
