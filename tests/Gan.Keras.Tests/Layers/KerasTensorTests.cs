using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

/// <summary>Symbolic tensors and the nodes that record layer calls.</summary>
public class KerasTensorTests
{
    [Fact]
    public void ToString_ShowsShapeWithBatch_DtypeAndTheProducingCall()
    {
        // Given an input named z and a layer called on it
        var z = Keras.Input([3], name: "z");
        var y = new Dense(2, name: "d").Call(z);

        // When / Then
        Assert.Equal("<KerasTensor shape=(None, 3), dtype=Float32, produced by z[0][0]>", z.ToString());
        Assert.Equal("<KerasTensor shape=(None, 2), dtype=Float32, produced by d[0][0]>", y.ToString());
    }

    [Fact]
    public void Node_RecordsTheLayerItsInputsItsOutputsAndItsIndex()
    {
        // Given two inputs merged twice by one layer
        var a = Keras.Input([2], name: "a");
        var b = Keras.Input([2], name: "b");
        var add = new Add(name: "sum");

        // When
        var first = add.Call(a, b);
        var second = add.Call(first, b);

        // Then
        var node = second.Node;
        Assert.Same(add, node.Layer);
        Assert.Same(add, second.Layer);
        Assert.Equal(1, node.Index);
        Assert.Equal(new[] { first, b }, node.Inputs);
        Assert.Same(second, Assert.Single(node.Outputs));
        Assert.Equal(0, second.Index);
        Assert.Equal(0, first.Node.Index);
        Assert.Equal("sum[1][0]", second.Reference);
        add.Dispose();
    }
}
