using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Maps integer indices to dense vectors, as Keras's <c>Embedding</c>: input <c>[batch]</c> or <c>[batch, length]</c>
/// of indices in [0, inputDim), output <c>[batch, outputDim]</c> or <c>[batch, length, outputDim]</c>. Used to feed class
/// labels to conditional GANs.
/// </summary>
/// <remarks>The table <c>embeddings</c> is <c>[inputDim, outputDim]</c> (same layout as Keras and PyTorch), initialized U(−0.05, 0.05) as in Keras. Float inputs are truncated to integers, as Keras casts them.</remarks>
public sealed class Embedding : Layer, IKernelLayer
{
    private torch.Tensor? embeddings => FindWeight("embeddings");

    /// <summary>Initializes a new instance of the <see cref="Embedding"/> class.</summary>
    /// <param name="inputDim">Number of indices (vocabulary or classes); positive.</param>
    /// <param name="outputDim">Size of each vector; positive.</param>
    /// <param name="embeddingsInitializer">Initializer of the table; U(−0.05, 0.05) by default.</param>
    /// <param name="name">Layer name.</param>
    public Embedding(int inputDim, int outputDim, Initializer? embeddingsInitializer = null, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputDim);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputDim);
        InputDim = inputDim;
        OutputDim = outputDim;
        EmbeddingsInitializer = embeddingsInitializer ?? new RandomUniform();
    }

    /// <summary>Gets the number of indices.</summary>
    public int InputDim { get; }

    /// <summary>Gets the vector size.</summary>
    public int OutputDim { get; }

    /// <summary>Gets the table's initializer.</summary>
    public Initializer EmbeddingsInitializer { get; }

    /// <summary>Gets the table <c>[inputDim, outputDim]</c>. Throws before the layer is built.</summary>
    public torch.Tensor Embeddings => embeddings ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <inheritdoc />
    torch.Tensor IKernelLayer.Kernel => Embeddings;

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.Append(OutputDim).ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new EmbeddingConfig(InputDim, OutputDim, ConfigName);

    /// <inheritdoc />
    /// <remarks>Indices are cast to int64 (floats truncated, as Keras casts them), then rows gathered.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        string table = onnx.AddWeight("embeddings");
        string indices = onnx.AddNode("Cast", [input], OnnxAttribute.Int("to", 7 /* INT64 */));
        return onnx.AddNode("Gather", [table, indices], OnnxAttribute.Int("axis", 0));
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        if (inputShape.Count > 1)
            throw new IncompatibleInputException($"Layer '{Name}' (Embedding) expects indices [batch] or [batch, length], but received {Shapes.FormatWithBatch(inputShape)}.",
                new long[] { -1 }, inputShape);
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape) =>
        AddWeight("embeddings", new[] { (long)InputDim, OutputDim }, EmbeddingsInitializer);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => Lookup(inputs, embeddings!);

    /// <inheritdoc />
    torch.Tensor IKernelLayer.CallWithKernel(torch.Tensor inputs, torch.Tensor kernel, bool training)
    {
        EnsureBuiltFor(inputs);
        return Lookup(inputs, kernel);
    }

    private torch.Tensor Lookup(torch.Tensor inputs, torch.Tensor table)
    {
        using var indices = inputs.to(torch.int64);
        if (indices.numel() > 0)
        {
            // One counted read of both ends (a device wait on a GPU), not one per end.
            var ends = HostReads.Read(torch.stack(new[] { indices.min(), indices.max() }));
            long min = (long)ends[0], max = (long)ends[1];
            if (min < 0 || max >= InputDim)
                throw new ArgumentException($"Layer '{Name}' (Embedding) has {InputDim} rows, so indices must be in [0, {InputDim}), but received values from {min} to {max}. Check inputDim or the labels.", nameof(inputs));
        }
        using var flat = indices.reshape(-1);
        using var rows = table.index_select(0, flat);
        return rows.reshape(indices.shape.Append(table.shape[1]).ToArray());
    }
}

/// <summary>Configuration of an <see cref="Embedding"/> layer.</summary>
/// <param name="InputDim">Number of indices.</param>
/// <param name="OutputDim">Vector size.</param>
/// <param name="Name">Layer name.</param>
public sealed record EmbeddingConfig(int InputDim, int OutputDim, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Embedding(InputDim, OutputDim, name: Name);
}
