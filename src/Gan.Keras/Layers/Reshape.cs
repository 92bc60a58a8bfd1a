using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>Reshapes each example to <c>targetShape</c> (batch dimension kept), as Keras's <c>Reshape</c>. One dimension may be −1.</summary>
public sealed class Reshape : Layer
{
    private readonly long[] targetShape;

    /// <summary>Initializes a new instance of the <see cref="Reshape"/> class.</summary>
    /// <param name="targetShape">Per-example target shape, e.g. <c>[1, 28, 28]</c>.</param>
    /// <param name="name">Layer name.</param>
    public Reshape(long[] targetShape, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(targetShape);
        if (targetShape.Length == 0 || targetShape.Count(d => d == -1) > 1 || targetShape.Any(d => d == 0 || d < -1))
            throw new ArgumentException($"Reshape target {Shapes.Format(targetShape)} is not valid: use positive dimensions and at most one -1.", nameof(targetShape));
        this.targetShape = targetShape.ToArray();
    }

    /// <summary>Gets the per-example target shape (may contain one −1).</summary>
    public IReadOnlyList<long> TargetShape => targetShape;

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        long total = Shapes.Product(inputShape);
        long known = targetShape.Where(d => d != -1).Aggregate(1L, (a, b) => a * b);
        bool hasUnknown = targetShape.Contains(-1);
        if ((hasUnknown && total % known != 0) || (!hasUnknown && total != known))
            throw new IncompatibleInputException(
                $"Layer '{Name}' (Reshape) cannot reshape input of shape {Shapes.FormatWithBatch(inputShape)} ({total} values per example) to {Shapes.Format(targetShape)}.",
                targetShape, inputShape);
        return targetShape.Select(d => d == -1 ? total / known : d).ToArray();
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new ReshapeConfig(targetShape.ToArray(), ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var output = OutputShape!;
        string shape = onnx.AddInt64s("shape", new long[] { output.Count + 1 }, new long[] { -1 }.Concat(output).ToArray());
        return onnx.AddNode("Reshape", [input, shape]);
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape) => ComputeOutputShape(inputShape);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) =>
        inputs.reshape(new[] { inputs.shape[0] }.Concat(ComputeOutputShape(InputShape!)).ToArray());
}

/// <summary>Configuration of a <see cref="Reshape"/> layer.</summary>
/// <param name="TargetShape">Per-example target shape.</param>
/// <param name="Name">Layer name.</param>
public sealed record ReshapeConfig(long[] TargetShape, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Reshape(TargetShape, Name);

    /// <inheritdoc />
    public bool Equals(ReshapeConfig? other) => other is not null && Name == other.Name && TargetShape.SequenceEqual(other.TargetShape);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Name, TargetShape.Length);
}
