using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// 2-D convolution, as Keras's <c>Conv2D</c>, on NCHW images: input <c>[batch, channels, h, w]</c>, output
/// <c>[batch, filters, h', w']</c> with <c>h' = ceil(h / s)</c> for <c>padding: "same"</c> and
/// <c>floor((h − k) / s) + 1</c> for <c>"valid"</c>.
/// </summary>
/// <remarks>
/// <para>Layout: images are NCHW as in libtorch. A Keras model with <c>input_shape=(28, 28, 1)</c> (channels-last)
/// corresponds to <c>inputShape: [1, 28, 28]</c> here.</para>
/// <para>The kernel is stored in libtorch's layout <c>[filters, channels, kh, kw]</c> (Keras stores
/// <c>[kh, kw, channels, filters]</c>: transpose with <c>permute(2, 3, 1, 0)</c> to convert); Glorot's fans are Keras's,
/// <c>channels·kh·kw</c> and <c>filters·kh·kw</c>.</para>
/// <para>"same" padding is TensorFlow's: the total padding <c>max((h' − 1)·s + k − h, 0)</c> is split with the smaller half
/// on top/left and the larger on bottom/right (asymmetric for even kernels with stride 1, or e.g. k = 5, s = 2).</para>
/// </remarks>
public sealed class Conv2D : Layer, IKernelLayer
{
    private readonly Func<torch.Tensor, torch.Tensor> activation;
    private torch.Tensor? kernel => FindWeight("kernel");
    private torch.Tensor? bias => FindWeight("bias");

    /// <summary>Initializes a new instance of the <see cref="Conv2D"/> class with a square kernel and equal strides.</summary>
    /// <param name="filters">Number of output channels; positive.</param>
    /// <param name="kernelSize">Kernel height and width; positive.</param>
    /// <param name="strides">Stride in both directions; positive.</param>
    /// <param name="padding"><c>"valid"</c> (no padding, Keras's default) or <c>"same"</c>.</param>
    /// <param name="activation">A Keras activation name, or null for linear.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">Kernel initializer; Glorot uniform by default.</param>
    /// <param name="biasInitializer">Bias initializer; zeros by default.</param>
    /// <param name="name">Layer name.</param>
    public Conv2D(int filters, int kernelSize, int strides = 1, string padding = "valid", string? activation = null, bool useBias = true,
        Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, activation, useBias, kernelInitializer, biasInitializer, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Conv2D"/> class.</summary>
    /// <param name="filters">Number of output channels; positive.</param>
    /// <param name="kernelSize">Kernel (height, width); positive.</param>
    /// <param name="strides">Strides (height, width); (1, 1) by default.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="activation">A Keras activation name, or null for linear.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">Kernel initializer; Glorot uniform by default.</param>
    /// <param name="biasInitializer">Bias initializer; zeros by default.</param>
    /// <param name="name">Layer name.</param>
    public Conv2D(int filters, (int Height, int Width) kernelSize, (int Height, int Width)? strides = null, string padding = "valid", string? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width, nameof(kernelSize));
        var s = strides ?? (1, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s.Height, nameof(strides));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s.Width, nameof(strides));
        Filters = filters;
        KernelSize = kernelSize;
        Strides = s;
        Padding = ConvArithmetic.Padding(padding, nameof(padding));
        ActivationName = activation ?? "linear";
        this.activation = Activations.Get(ActivationName);
        UseBias = useBias;
        KernelInitializer = kernelInitializer ?? new GlorotUniform();
        BiasInitializer = biasInitializer ?? new Zeros();
    }

    /// <summary>Gets the number of output channels.</summary>
    public int Filters { get; }

    /// <summary>Gets the kernel (height, width).</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>Gets the strides (height, width).</summary>
    public (int Height, int Width) Strides { get; }

    /// <summary>Gets the padding, <c>"valid"</c> or <c>"same"</c>.</summary>
    public string Padding { get; }

    /// <summary>Gets the activation's Keras name.</summary>
    public string ActivationName { get; }

    /// <summary>Gets a value indicating whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Gets the kernel initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Gets the bias initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Gets the kernel, <c>[filters, channels, kh, kw]</c> (libtorch layout). Throws before the layer is built.</summary>
    public torch.Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <summary>Gets the bias, <c>[filters]</c>, or null without one.</summary>
    public torch.Tensor? Bias => bias;

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ValidateInputShape(inputShape);
        return new[]
        {
            Filters,
            ConvArithmetic.ConvOutputLength(inputShape[1], KernelSize.Height, Strides.Height, Padding),
            ConvArithmetic.ConvOutputLength(inputShape[2], KernelSize.Width, Strides.Width, Padding),
        };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new Conv2DConfig(Filters, KernelSize, Strides, Padding, ActivationName, UseBias, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var inputShape = InputShape!;
        long top = 0, bottom = 0, left = 0, right = 0;
        if (Padding == "same")
        {
            (top, bottom) = ConvArithmetic.SamePadding(inputShape[1], KernelSize.Height, Strides.Height);
            (left, right) = ConvArithmetic.SamePadding(inputShape[2], KernelSize.Width, Strides.Width);
        }
        var inputs = new List<string> { input, onnx.AddWeight("kernel") };
        if (onnx.AddWeightIfPresent("bias") is { } bias) inputs.Add(bias);
        string output = onnx.AddNode("Conv", inputs,
            OnnxAttribute.Ints("kernel_shape", KernelSize.Height, KernelSize.Width),
            OnnxAttribute.Ints("strides", Strides.Height, Strides.Width),
            OnnxAttribute.Ints("pads", top, left, bottom, right));
        return onnx.Activate(ActivationName, output);
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        if (inputShape.Count != 3)
            throw new IncompatibleInputException(
                $"Layer '{Name}' (Conv2D) expects images [batch, channels, height, width] (NCHW), but received {Shapes.FormatWithBatch(inputShape)}. " +
                (inputShape.Count == 1 ? "Add a Reshape([channels, height, width]) before it (e.g. [1, 28, 28] for MNIST)." : "Keras's channels-last (h, w, c) is (c, h, w) here."),
                new long[] { -1, -1, -1 }, inputShape);
        if (Padding == "valid" && (inputShape[1] < KernelSize.Height || inputShape[2] < KernelSize.Width))
            throw new IncompatibleInputException(
                $"Layer '{Name}' (Conv2D) has a {KernelSize.Height}x{KernelSize.Width} kernel with padding \"valid\", larger than its {inputShape[1]}x{inputShape[2]} input {Shapes.FormatWithBatch(inputShape)}. Use padding: \"same\" or a smaller kernel.",
                new long[] { -1, KernelSize.Height, KernelSize.Width }, inputShape);
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        long channels = inputShape[0];
        long receptive = (long)KernelSize.Height * KernelSize.Width;
        AddWeight("kernel", new[] { Filters, channels, KernelSize.Height, KernelSize.Width }, KernelInitializer,
            fans: (channels * receptive, Filters * receptive));
        if (UseBias) AddWeight("bias", new[] { (long)Filters }, BiasInitializer);
    }

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => Compute(inputs, kernel!);

    /// <inheritdoc />
    torch.Tensor IKernelLayer.CallWithKernel(torch.Tensor inputs, torch.Tensor kernel, bool training)
    {
        EnsureBuiltFor(inputs);
        return Compute(inputs, kernel);
    }

    private torch.Tensor Compute(torch.Tensor inputs, torch.Tensor weights)
    {
        ConvolutionKernels.EnsureCorrect(inputs);
        using var scope = torch.NewDisposeScope();
        var x = inputs;
        long padTop = 0, padLeft = 0;
        if (Padding == "same")
        {
            var (top, bottom) = ConvArithmetic.SamePadding(inputs.shape[2], KernelSize.Height, Strides.Height);
            var (left, right) = ConvArithmetic.SamePadding(inputs.shape[3], KernelSize.Width, Strides.Width);
            if (top == bottom && left == right) (padTop, padLeft) = (top, left);
            else x = torch.nn.functional.pad(inputs, new[] { left, right, top, bottom });
        }
        var output = torch.nn.functional.conv2d(x, weights, bias, new long[] { Strides.Height, Strides.Width }, new[] { padTop, padLeft });
        return activation(output).MoveToOuterDisposeScope();
    }
}

/// <summary>Configuration of a <see cref="Conv2D"/> layer.</summary>
/// <param name="Filters">Output channels.</param>
/// <param name="KernelSize">Kernel (height, width).</param>
/// <param name="Strides">Strides (height, width).</param>
/// <param name="Padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="Activation">Keras activation name.</param>
/// <param name="UseBias">Whether a bias is added.</param>
/// <param name="Name">Layer name.</param>
public sealed record Conv2DConfig(int Filters, (int Height, int Width) KernelSize, (int Height, int Width) Strides, string Padding, string Activation, bool UseBias, string? Name)
    : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Conv2D(Filters, KernelSize, Strides, Padding, Activation, UseBias, name: Name);
}
