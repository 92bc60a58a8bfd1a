using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// The dot product of two vectors per example, as Keras's <c>Dot(axes=1)</c> on <c>[batch, n]</c> inputs: output
/// <c>[batch, 1]</c>. With <c>normalize</c>, each vector is first scaled to unit L2 norm (the cosine similarity).
/// </summary>
/// <remarks>Only the case cheap to support is implemented: two inputs of per-example shape <c>[n]</c>, reduced over that axis.</remarks>
public sealed class Dot : MergeLayer
{
    /// <summary>Initializes a new instance of the <see cref="Dot"/> class.</summary>
    /// <param name="axes">The axis to reduce, counting the batch as 0: 1 (or -1), the only one supported.</param>
    /// <param name="normalize">Whether to L2-normalise both inputs first (cosine similarity).</param>
    /// <param name="name">Layer name.</param>
    public Dot(int axes = 1, bool normalize = false, string? name = null) : base(name)
    {
        if (axes is not (1 or -1))
            throw new ArgumentOutOfRangeException(nameof(axes), axes, "Dot reduces the feature axis of [batch, n] inputs: use axes 1 (or -1).");
        Axes = axes;
        Normalize = normalize;
    }

    /// <summary>Gets the reduced axis.</summary>
    public int Axes { get; }

    /// <summary>Gets a value indicating whether the inputs are L2-normalised first.</summary>
    public bool Normalize { get; }

    /// <inheritdoc />
    protected override int MaxInputs => 2;

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new DotConfig(Axes, Normalize, ConfigName);

    /// <inheritdoc />
    protected override torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs)
    {
        using var scope = torch.NewDisposeScope();
        var (a, b) = (inputs[0], inputs[1]);
        if (Normalize)
        {
            // Keras's l2_normalize: x / sqrt(max(Σx², 1e-12)).
            a = a / a.square().sum(1, keepdim: true).clamp_min(1e-12).sqrt();
            b = b / b.square().sum(1, keepdim: true).clamp_min(1e-12).sqrt();
        }
        return (a * b).sum(1, keepdim: true).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    protected override string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs)
    {
        string axes = onnx.AddInt64s("axes", new long[] { 1 }, new long[] { 1 });
        string a = inputs[0], b = inputs[1];
        if (Normalize)
        {
            string floor = onnx.AddFloats("epsilon", Array.Empty<long>(), [1e-12f]);
            a = onnx.AddNode("Div", [a, onnx.AddNode("Sqrt", [onnx.AddNode("Max", [onnx.AddNode("ReduceSumSquare", [a], OnnxAttribute.Ints("axes", 1)), floor])])]);
            b = onnx.AddNode("Div", [b, onnx.AddNode("Sqrt", [onnx.AddNode("Max", [onnx.AddNode("ReduceSumSquare", [b], OnnxAttribute.Ints("axes", 1)), floor])])]);
        }
        return onnx.AddNode("ReduceSum", [onnx.AddNode("Mul", [a, b]), axes], OnnxAttribute.Int("keepdims", 1));
    }

    /// <inheritdoc />
    protected override IReadOnlyList<long> MergedShape(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        if (inputShapes.Any(s => s.Count != 1) || inputShapes[0][0] != inputShapes[1][0])
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (Dot) takes two vectors of the same length per example ([batch, n]), but received {string.Join(", ", inputShapes.Select(Shapes.FormatWithBatch))}.",
                inputShapes[0], inputShapes[^1]);
        return new long[] { 1 };
    }
}

/// <summary>Configuration of a <see cref="Dot"/> layer.</summary>
/// <param name="Axes">The reduced axis.</param>
/// <param name="Normalize">Whether the inputs are L2-normalised first.</param>
/// <param name="Name">Layer name.</param>
public sealed record DotConfig(int Axes, bool Normalize, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Dot(Axes, Normalize, Name);
}
