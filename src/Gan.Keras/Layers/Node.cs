namespace Gan.Keras.Layers;

/// <summary>
/// One call of a layer on symbolic tensors, as Keras's <c>Node</c>: the layer, the tensors it was called on and the
/// tensors it returned. A layer called twice (a shared layer) has two nodes and one set of weights.
/// </summary>
public sealed class Node
{
    internal Node(Layer layer, IReadOnlyList<KerasTensor> inputs, int index)
    {
        Layer = layer;
        Inputs = inputs.ToArray();
        Index = index;
    }

    /// <summary>Gets the layer that was called.</summary>
    public Layer Layer { get; }

    /// <summary>Gets the symbolic tensors the layer was called on (none for an <see cref="InputLayer"/>).</summary>
    public IReadOnlyList<KerasTensor> Inputs { get; }

    /// <summary>Gets the symbolic tensors the call returned.</summary>
    public IReadOnlyList<KerasTensor> Outputs { get; internal set; } = Array.Empty<KerasTensor>();

    /// <summary>Gets the position of this call among the layer's calls (Keras's node index).</summary>
    public int Index { get; }
}
