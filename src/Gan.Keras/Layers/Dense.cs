using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Fully connected layer, as Keras's <c>Dense</c>: <c>y = activation(x · kernel + bias)</c> with a kernel of shape
/// <c>[in, out]</c> (the transpose of PyTorch's <c>Linear.weight</c>), applied to the last axis.
/// </summary>
public sealed class Dense : Layer, IKernelLayer
{
    private readonly Func<torch.Tensor, torch.Tensor> activation;
    private torch.Tensor? kernel => FindWeight("kernel");
    private torch.Tensor? bias => FindWeight("bias");

    /// <summary>Initializes a new instance of the <see cref="Dense"/> class.</summary>
    /// <param name="units">Number of outputs; must be positive.</param>
    /// <param name="activation">A Keras activation name (<c>relu</c>, <c>tanh</c>, <c>sigmoid</c>, ...) or null for linear.</param>
    /// <param name="useBias">Whether to add a bias.</param>
    /// <param name="kernelInitializer">Kernel initializer; Glorot uniform by default.</param>
    /// <param name="biasInitializer">Bias initializer; zeros by default.</param>
    /// <param name="name">Layer name.</param>
    public Dense(int units, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? biasInitializer = null, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(units);
        Units = units;
        ActivationName = activation ?? "linear";
        this.activation = Activations.Get(ActivationName);
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
    }

    /// <summary>Gets the number of outputs.</summary>
    public int Units { get; }

    /// <summary>Gets the activation's Keras name.</summary>
    public string ActivationName { get; }

    /// <summary>Gets a value indicating whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Gets the kernel initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Gets the bias initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Gets the kernel, <c>[in, out]</c>. Throws before the layer is built.</summary>
    public torch.Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <summary>Gets the bias, <c>[out]</c>, or null without one. Throws before the layer is built.</summary>
    public torch.Tensor? Bias => Built ? bias : throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) =>
        inputShape.Take(inputShape.Count - 1).Append(Units).ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new DenseConfig(Units, ActivationName, UseBias, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        string w = onnx.AddWeight("kernel");
        string? b = onnx.AddWeightIfPresent("bias");
        string linear;
        if (InputShape!.Count == 1)
            linear = onnx.AddNode("Gemm", b is null ? [input, w] : [input, w, b]);
        else
        {
            linear = onnx.AddNode("MatMul", [input, w]);
            if (b is not null) linear = onnx.AddNode("Add", [linear, b]);
        }
        return onnx.Activate(ActivationName, linear);
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        if (inputShape.Count == 0)
            throw new IncompatibleInputException($"Layer '{Name}' (Dense) needs inputs with at least 2 dimensions (batch, features), but received a 1-D batch. Reshape the data to [batch, features].", new long[] { -1 }, inputShape);
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        long inputDim = inputShape[^1];
        AddWeight("kernel", new[] { inputDim, (long)Units }, KernelInitializer);
        if (UseBias) AddWeight("bias", new[] { (long)Units }, BiasInitializer);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => Compute(inputs, kernel!);

    /// <inheritdoc />
    torch.Tensor IKernelLayer.CallWithKernel(torch.Tensor inputs, torch.Tensor kernel, bool training)
    {
        EnsureBuiltFor(inputs);
        return Compute(inputs, kernel);
    }

    private torch.Tensor Compute(torch.Tensor inputs, torch.Tensor kernel)
    {
        using var linear = bias is null ? inputs.matmul(kernel)
            : inputs.dim() == 2 ? torch.addmm(bias, inputs, kernel, 1.0f, 1.0f)
            : inputs.matmul(kernel).add_(bias);
        return activation(linear);
    }

    /// <inheritdoc />
    protected override IncompatibleInputException CreateInputMismatch(IReadOnlyList<long> builtFor, IReadOnlyList<long> received)
    {
        string fix = received.Count > builtFor.Count + 1 ? "Add a Flatten layer before it."
            : "Check the previous layer's units or the data's feature count.";
        return IncompatibleInputException.LastDimension(this, builtFor[^1], received, fix);
    }
}

/// <summary>Configuration of a <see cref="Dense"/> layer.</summary>
/// <param name="Units">Number of outputs.</param>
/// <param name="Activation">Keras activation name.</param>
/// <param name="UseBias">Whether a bias is added.</param>
/// <param name="Name">Layer name.</param>
public sealed record DenseConfig(int Units, string Activation, bool UseBias, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Dense(Units, Activation, UseBias, name: Name);
}
