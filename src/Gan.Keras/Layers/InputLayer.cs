using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// The layer behind a model input, as Keras's <c>InputLayer</c>: it holds the input's per-example shape and dtype, has no
/// weights and passes its tensor through. Made by <see cref="Keras.Input"/>.
/// </summary>
public sealed class InputLayer : Layer
{
    /// <summary>Initializes a new instance of the <see cref="InputLayer"/> class.</summary>
    /// <param name="shape">The per-example shape (without the batch dimension); every dimension positive.</param>
    /// <param name="dtype">The element type: a floating type for data and latent vectors, <c>int64</c> for class labels.</param>
    /// <param name="name">The input's name (ONNX export names graph inputs after it).</param>
    public InputLayer(IReadOnlyList<long> shape, torch.ScalarType dtype = torch.ScalarType.Float32, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(d => d <= 0))
            throw new ArgumentException($"An input shape needs positive dimensions (the batch is left out), but got {Shapes.Format(shape)}.", nameof(shape));
        Shape = shape.ToArray();
        DType = dtype;
        Build(Shape);
        Output = CallOutputs(Array.Empty<KerasTensor>())[0];
    }

    /// <summary>Gets the per-example shape.</summary>
    public IReadOnlyList<long> Shape { get; }

    /// <summary>Gets the element type.</summary>
    public torch.ScalarType DType { get; }

    /// <summary>Gets the symbolic tensor that stands for this input.</summary>
    public KerasTensor Output { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new InputLayerConfig(Shape, DType.ToString(), ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.alias();

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => input;

    /// <inheritdoc />
    private protected override IReadOnlyList<IReadOnlyList<long>> SymbolicOutputShapes(IReadOnlyList<KerasTensor> inputs) => new[] { Shape };

    /// <inheritdoc />
    private protected override torch.ScalarType SymbolicOutputType(IReadOnlyList<KerasTensor> inputs, int index) => DType;
}

/// <summary>Configuration of an <see cref="InputLayer"/>.</summary>
/// <param name="Shape">The per-example shape.</param>
/// <param name="DType">The element type's name (<c>Float32</c>, <c>Int64</c>).</param>
/// <param name="Name">The input's name.</param>
public sealed record InputLayerConfig(IReadOnlyList<long> Shape, string DType, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new InputLayer(Shape, Enum.Parse<torch.ScalarType>(DType), Name);

    /// <inheritdoc />
    public bool Equals(InputLayerConfig? other) => other is not null && Shape.SequenceEqual(other.Shape) && DType == other.DType && Name == other.Name;

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(DType, Name, Shape.Count);
}
