using System.Globalization;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// A symbolic tensor, as Keras's <c>KerasTensor</c>: a per-example shape and a dtype, with no data, that remembers which
/// layer call produced it. <see cref="Keras.Input"/> makes one; calling a layer on symbolic tensors
/// (<see cref="Layer.Call(KerasTensor)"/>) builds the layer and returns new ones; a <see cref="Models.Functional"/> model
/// is made from the inputs and outputs of such a graph.
/// </summary>
public sealed class KerasTensor
{
    private readonly long[] shape;

    internal KerasTensor(IReadOnlyList<long> shape, torch.ScalarType dtype, Node node, int index)
    {
        this.shape = shape.ToArray();
        DType = dtype;
        Node = node;
        Index = index;
    }

    /// <summary>Gets the per-example shape (without the batch dimension).</summary>
    public IReadOnlyList<long> Shape => shape;

    /// <summary>Gets the element type of the values this tensor stands for.</summary>
    public torch.ScalarType DType { get; }

    /// <summary>Gets the layer whose call produced this tensor (an <see cref="InputLayer"/> for a model input).</summary>
    public Layer Layer => Node.Layer;

    /// <summary>Gets the layer call that produced this tensor.</summary>
    public Node Node { get; }

    /// <summary>Gets the position of this tensor among its layer call's outputs.</summary>
    public int Index { get; }

    /// <summary>Gets the name Keras's summary uses for this tensor: <c>layer[node][index]</c>.</summary>
    public string Reference => string.Create(CultureInfo.InvariantCulture, $"{Layer.DisplayName}[{Node.Index}][{Index}]");

    /// <inheritdoc />
    public override string ToString() => $"<KerasTensor shape={Shapes.FormatWithBatch(shape)}, dtype={DType}, produced by {Reference}>";
}
