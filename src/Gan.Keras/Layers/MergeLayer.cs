using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Base of the layers that join several inputs into one (Keras's <c>Merge</c>): <see cref="Add"/>, <see cref="Subtract"/>,
/// <see cref="Multiply"/>, <see cref="Average"/>, <see cref="Maximum"/>, <see cref="Minimum"/>, <see cref="Concatenate"/>,
/// <see cref="Dot"/>. Call them on a list: <c>new Add().Call(x, shortcut)</c> on symbolic tensors, or
/// <see cref="Call(IReadOnlyList{torch.Tensor}, bool)"/> on tensors. They have no weights.
/// </summary>
/// <remarks>The element-wise merges broadcast as Keras does: inputs of the same rank whose dimensions are equal or 1.</remarks>
public abstract class MergeLayer : Layer
{
    /// <summary>Initializes a new instance of the <see cref="MergeLayer"/> class.</summary>
    /// <param name="name">Layer name.</param>
    protected MergeLayer(string? name) : base(name) { }

    /// <summary>Gets the fewest inputs the layer takes (2).</summary>
    protected virtual int MinInputs => 2;

    /// <summary>Gets the most inputs the layer takes (unbounded unless overridden).</summary>
    protected virtual int MaxInputs => int.MaxValue;

    /// <inheritdoc />
    public override torch.Tensor Call(IReadOnlyList<torch.Tensor> inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        CheckCount(inputs.Count);
        EnsureBuiltFor(inputs);
        return Merge(inputs);
    }

    /// <summary>Not supported: a merge layer needs a list of inputs.</summary>
    /// <exception cref="IncompatibleInputException">Always.</exception>
    public override torch.Tensor Call(torch.Tensor inputs, bool training = false) =>
        throw new IncompatibleInputException(
            $"Layer '{DisplayName}' ({GetType().Name}) merges several inputs: call it on a list, Call(new[] {{ a, b }}), or on symbolic tensors, Call(a, b).",
            new long[] { MinInputs }, new long[] { 1 });

    /// <summary>Not supported for one shape: a merge layer takes several.</summary>
    /// <exception cref="IncompatibleInputException">Always.</exception>
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) =>
        throw new IncompatibleInputException($"Layer '{DisplayName}' ({GetType().Name}) merges several inputs; give it a list of shapes.", new long[] { MinInputs }, new long[] { 1 });

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        CheckCount(inputShapes.Count);
        return MergedShape(inputShapes);
    }

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) =>
        (onnx ?? throw new ArgumentNullException(nameof(onnx))).Refuse(this, "is called on one input in the graph");

    /// <inheritdoc />
    protected internal override IReadOnlyList<string> ExportOnnx(OnnxExportContext onnx, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        ArgumentNullException.ThrowIfNull(inputs);
        return new[] { ExportMerge(onnx, inputs) };
    }

    /// <summary>Computes the merged output; the inputs are checked.</summary>
    protected abstract torch.Tensor Merge(IReadOnlyList<torch.Tensor> inputs);

    /// <summary>Adds the merge to an ONNX graph and returns its output's name.</summary>
    protected abstract string ExportMerge(OnnxExportContext onnx, IReadOnlyList<string> inputs);

    /// <summary>The output shape of the inputs' shapes, or an <see cref="IncompatibleInputException"/>; by default element-wise broadcasting.</summary>
    protected virtual IReadOnlyList<long> MergedShape(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        var output = inputShapes[0].ToArray();
        foreach (var shape in inputShapes.Skip(1))
        {
            bool compatible = shape.Count == output.Length && shape.Select((d, i) => d == output[i] || d == 1 || output[i] == 1).All(x => x);
            if (!compatible)
                throw new IncompatibleInputException(
                    $"Layer '{DisplayName}' ({GetType().Name}) needs inputs of the same shape (or dimensions of 1 that broadcast), but received {string.Join(", ", inputShapes.Select(Shapes.FormatWithBatch))}.",
                    inputShapes[0], shape);
            for (int i = 0; i < output.Length; i++) output[i] = Math.Max(output[i], shape[i]);
        }
        return output;
    }

    /// <inheritdoc />
    protected override void ValidateInputShapes(IReadOnlyList<IReadOnlyList<long>> inputShapes)
    {
        ArgumentNullException.ThrowIfNull(inputShapes);
        CheckCount(inputShapes.Count);
        MergedShape(inputShapes);
    }

    private void CheckCount(int count)
    {
        if (count < MinInputs || count > MaxInputs)
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' ({GetType().Name}) needs {(MinInputs == MaxInputs ? $"exactly {MinInputs}" : $"at least {MinInputs}")} inputs, but received {count}.",
                new long[] { MinInputs }, new long[] { count });
    }
}
