using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Wraps a C# function of a batch as a layer, as Keras's <c>Lambda</c>: <c>new Lambda(x => x * 2 - 1)</c>. The function
/// has no weights and is differentiated through as any torch computation.
/// </summary>
/// <remarks>
/// <para>The output shape is found by running the function once on a batch of one zero example, unless
/// <c>outputShape</c> computes it from the per-example input shape (Keras's <c>output_shape</c>); give it when the
/// function cannot run on zeros.</para>
/// <para>A Lambda cannot be exported to ONNX (its computation is C# code, not a graph): the exporter refuses it by name.
/// Replace it with built-in layers (<see cref="Rescaling"/> for <c>x * a + b</c>, <see cref="Activation"/>) or a custom
/// layer that overrides <see cref="Layer.ExportOnnx(OnnxExportContext, string)"/>. Its configuration holds the function
/// itself, so it round-trips in memory but cannot be written to a file.</para>
/// </remarks>
public sealed class Lambda : Layer
{
    // The last shape computed by running the function, so summaries and symbolic calls run it once per input shape.
    private (long[] Input, long[] Output)? probed;

    /// <summary>Initializes a new instance of the <see cref="Lambda"/> class.</summary>
    /// <param name="function">The computation, from a batch to a batch (the first dimension stays the batch).</param>
    /// <param name="outputShape">Computes the per-example output shape from the per-example input shape; null to run the function on zeros.</param>
    /// <param name="name">Layer name.</param>
    public Lambda(Func<torch.Tensor, torch.Tensor> function, Func<IReadOnlyList<long>, IReadOnlyList<long>>? outputShape = null, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(function);
        Function = function;
        OutputShapeFunction = outputShape;
    }

    /// <summary>Gets the wrapped function.</summary>
    public Func<torch.Tensor, torch.Tensor> Function { get; }

    /// <summary>Gets the function that computes the output shape, or null.</summary>
    public Func<IReadOnlyList<long>, IReadOnlyList<long>>? OutputShapeFunction { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (OutputShapeFunction is not null) return OutputShapeFunction(inputShape).ToArray();
        if (probed is { } last && last.Input.SequenceEqual(inputShape)) return last.Output.ToArray();
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var output = Function(torch.zeros(new long[] { 1 }.Concat(inputShape).ToArray()));
        if (output.dim() == 0 || output.shape[0] != 1)
            throw new IncompatibleInputException(
                $"Layer '{DisplayName}' (Lambda) must keep the batch as the first dimension, but turned a batch of one {Shapes.FormatWithBatch(inputShape)} into shape [{string.Join(", ", output.shape)}].",
                new long[] { 1 }, output.shape);
        probed = (inputShape.ToArray(), output.shape.Skip(1).ToArray());
        return probed.Value.Output.ToArray();
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new LambdaConfig(Function, OutputShapeFunction, ConfigName);

    /// <inheritdoc />
    /// <remarks>Refused: the function is C# code, which an ONNX graph cannot hold.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        return onnx.Refuse(this, "wraps a C# function, which an ONNX graph cannot hold; replace it with built-in layers (Rescaling for x * a + b, Activation) or a custom layer that overrides Layer.ExportOnnx");
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        var output = Function(inputs);
        // A method that returns a tensor returns a new one: an identity function gets an alias of its input.
        return ReferenceEquals(output, inputs) ? inputs.alias() : output;
    }
}

/// <summary>Configuration of a <see cref="Lambda"/> layer: the function itself (it cannot be serialised).</summary>
/// <param name="Function">The wrapped function.</param>
/// <param name="OutputShape">The output-shape function, or null.</param>
/// <param name="Name">Layer name.</param>
public sealed record LambdaConfig(Func<torch.Tensor, torch.Tensor> Function, Func<IReadOnlyList<long>, IReadOnlyList<long>>? OutputShape, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Lambda(Function, OutputShape, Name);
}
