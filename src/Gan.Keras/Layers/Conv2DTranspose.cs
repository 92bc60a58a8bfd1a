using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Transposed 2-D convolution, as Keras's <c>Conv2DTranspose</c>, on NCHW images: input <c>[batch, channels, h, w]</c>,
/// output <c>[batch, filters, h', w']</c> with Keras's <c>deconv_output_length</c>: <c>h' = h·s</c> for "same",
/// <c>h·s + max(k − s, 0)</c> for "valid", and <c>(h − 1)·s + k − 2·pad + outputPadding</c> (pad = k/2 for "same",
/// 0 for "valid") when <c>outputPadding</c> is given.
/// </summary>
/// <remarks>
/// <para>Computed as TensorFlow's <c>conv2d_transpose</c> (the gradient of <see cref="Conv2D"/> with the same padding):
/// the full transposed convolution (length <c>(h − 1)·s + k</c>) is cropped by the forward convolution's "before"
/// padding, <c>max((h − 1)·s + k − h', 0) / 2</c>, and cut or zero-extended at the end to <c>h'</c>. For kernels where
/// that split is uneven (e.g. k = 5, s = 2, "same") this is where TensorFlow and a naive symmetric PyTorch
/// <c>padding</c>/<c>output_padding</c> translation differ by one pixel; Keras's own PyTorch backend warns about it.</para>
/// <para>The kernel is stored in libtorch's layout <c>[channels, filters, kh, kw]</c> (Keras: <c>[kh, kw, filters, channels]</c>).</para>
/// </remarks>
public sealed class Conv2DTranspose : Layer, IKernelLayer
{
    private readonly Func<torch.Tensor, torch.Tensor> activation;
    private torch.Tensor? kernel => FindWeight("kernel");
    private torch.Tensor? bias => FindWeight("bias");

    /// <summary>Initializes a new instance of the <see cref="Conv2DTranspose"/> class with a square kernel and equal strides.</summary>
    /// <param name="filters">Number of output channels; positive.</param>
    /// <param name="kernelSize">Kernel height and width; positive.</param>
    /// <param name="strides">Stride (the upsampling factor) in both directions; positive.</param>
    /// <param name="padding"><c>"valid"</c> (Keras's default) or <c>"same"</c>.</param>
    /// <param name="outputPadding">Extra rows/columns at the end, smaller than the stride; null for Keras's inferred size.</param>
    /// <param name="activation">A Keras activation name, or null for linear.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">Kernel initializer; Glorot uniform by default.</param>
    /// <param name="biasInitializer">Bias initializer; zeros by default.</param>
    /// <param name="name">Layer name.</param>
    public Conv2DTranspose(int filters, int kernelSize, int strides = 1, string padding = "valid", int? outputPadding = null, string? activation = null,
        bool useBias = true, Initializer? kernelInitializer = null, Initializer? biasInitializer = null, string? name = null)
        : this(filters, (kernelSize, kernelSize), (strides, strides), padding, outputPadding is { } p ? (p, p) : null, activation, useBias, kernelInitializer, biasInitializer, name)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="Conv2DTranspose"/> class.</summary>
    /// <param name="filters">Number of output channels; positive.</param>
    /// <param name="kernelSize">Kernel (height, width); positive.</param>
    /// <param name="strides">Strides (height, width); (1, 1) by default.</param>
    /// <param name="padding"><c>"valid"</c> or <c>"same"</c>.</param>
    /// <param name="outputPadding">Extra (rows, columns) at the end, each smaller than its stride; null for Keras's inferred size.</param>
    /// <param name="activation">A Keras activation name, or null for linear.</param>
    /// <param name="useBias">Whether to add a bias per filter.</param>
    /// <param name="kernelInitializer">Kernel initializer; Glorot uniform by default.</param>
    /// <param name="biasInitializer">Bias initializer; zeros by default.</param>
    /// <param name="name">Layer name.</param>
    public Conv2DTranspose(int filters, (int Height, int Width) kernelSize, (int Height, int Width)? strides = null, string padding = "valid",
        (int Height, int Width)? outputPadding = null, string? activation = null, bool useBias = true, Initializer? kernelInitializer = null,
        Initializer? biasInitializer = null, string? name = null) : base(name)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(filters);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Height, nameof(kernelSize));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize.Width, nameof(kernelSize));
        var s = strides ?? (1, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s.Height, nameof(strides));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(s.Width, nameof(strides));
        if (outputPadding is { } op && (op.Height < 0 || op.Width < 0 || op.Height >= s.Height || op.Width >= s.Width))
            throw new ArgumentOutOfRangeException(nameof(outputPadding), outputPadding,
                $"outputPadding must be non-negative and smaller than the strides ({s.Height}, {s.Width}), as in Keras.");
        Filters = filters;
        KernelSize = kernelSize;
        Strides = s;
        Padding = ConvArithmetic.Padding(padding, nameof(padding));
        OutputPadding = outputPadding;
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

    /// <summary>Gets the output padding (rows, columns), or null for the inferred size.</summary>
    public (int Height, int Width)? OutputPadding { get; }

    /// <summary>Gets the activation's Keras name.</summary>
    public string ActivationName { get; }

    /// <summary>Gets a value indicating whether a bias is added.</summary>
    public bool UseBias { get; }

    /// <summary>Gets the kernel initializer.</summary>
    public Initializer KernelInitializer { get; }

    /// <summary>Gets the bias initializer.</summary>
    public Initializer BiasInitializer { get; }

    /// <summary>Gets the kernel, <c>[channels, filters, kh, kw]</c> (libtorch layout). Throws before the layer is built.</summary>
    public torch.Tensor Kernel => kernel ?? throw new InvalidOperationException($"Layer '{Name}' is not built yet; call Build() or run it on data first.");

    /// <summary>Gets the bias, <c>[filters]</c>, or null without one.</summary>
    public torch.Tensor? Bias => bias;

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        ValidateInputShape(inputShape);
        return new[] { Filters, OutputLength(inputShape[1], 0), OutputLength(inputShape[2], 1) };
    }

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new Conv2DTransposeConfig(Filters, KernelSize, Strides, Padding, OutputPadding, ActivationName, UseBias, ConfigName);

    /// <inheritdoc />
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
    {
        // The layer computes the full transposed convolution ((in − 1)·s + k), then crops (or pads with zeros) to
        // Keras's output size, then adds the bias. ONNX's ConvTranspose crops with its pads; rows beyond the full
        // output (only when k < s) are added by a Pad node, before the bias as in the layer.
        ArgumentNullException.ThrowIfNull(onnx);
        var inputShape = InputShape!;
        var output = OutputShape!;
        long h = inputShape[1], w = inputShape[2], outH = output[1], outW = output[2];
        long fullH = (h - 1) * Strides.Height + KernelSize.Height, fullW = (w - 1) * Strides.Width + KernelSize.Width;
        long top = ConvArithmetic.DeconvCropBefore(h, KernelSize.Height, Strides.Height, Padding, outH);
        long left = ConvArithmetic.DeconvCropBefore(w, KernelSize.Width, Strides.Width, Padding, outW);
        long bottom = outH - (fullH - top), right = outW - (fullW - left);
        bool extend = bottom > 0 || right > 0;
        var inputs = new List<string> { input, onnx.AddWeight("kernel") };
        string? b = onnx.AddWeightIfPresent("bias");
        if (b is not null && !extend) inputs.Add(b);
        string x = onnx.AddNode("ConvTranspose", inputs,
            OnnxAttribute.Ints("kernel_shape", KernelSize.Height, KernelSize.Width),
            OnnxAttribute.Ints("strides", Strides.Height, Strides.Width),
            OnnxAttribute.Ints("pads", top, left, Math.Max(0, -bottom), Math.Max(0, -right)));
        if (extend)
        {
            string pads = onnx.AddInt64s("pads", new long[] { 8 }, new long[] { 0, 0, 0, 0, 0, 0, Math.Max(0, bottom), Math.Max(0, right) });
            x = onnx.AddNode("Pad", [x, pads], OnnxAttribute.String("mode", "constant"));
            if (b is not null)
            {
                string shape = onnx.AddInt64s("bias_shape", new long[] { 4 }, new long[] { 1, -1, 1, 1 });
                x = onnx.AddNode("Add", [x, onnx.AddNode("Reshape", [b, shape])]);
            }
        }
        return onnx.Activate(ActivationName, x);
    }

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape)
    {
        if (inputShape.Count != 3)
            throw new IncompatibleInputException(
                $"Layer '{Name}' (Conv2DTranspose) expects images [batch, channels, height, width] (NCHW), but received {Shapes.FormatWithBatch(inputShape)}. " +
                (inputShape.Count == 1 ? "Add a Reshape([channels, height, width]) before it (e.g. Dense(7*7*128) then Reshape([128, 7, 7]))." : "Keras's channels-last (h, w, c) is (c, h, w) here."),
                new long[] { -1, -1, -1 }, inputShape);
    }

    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
        long channels = inputShape[0];
        long receptive = (long)KernelSize.Height * KernelSize.Width;
        // Keras's kernel is [kh, kw, filters, channels]: fan_in = filters·kh·kw, fan_out = channels·kh·kw.
        AddWeight("kernel", new[] { channels, Filters, KernelSize.Height, KernelSize.Width }, KernelInitializer,
            fans: (Filters * receptive, channels * receptive));
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

    private long OutputLength(long input, int axis) =>
        ConvArithmetic.DeconvOutputLength(input, axis == 0 ? KernelSize.Height : KernelSize.Width, axis == 0 ? Strides.Height : Strides.Width, Padding,
            OutputPadding is { } op ? (axis == 0 ? op.Height : op.Width) : null);

    /// <summary>
    /// libtorch's <c>conv_transpose2d</c>, on the CPU with a channels-last (NHWC) input: libtorch 2.10's CPU kernel for a
    /// plain NCHW input is an order of magnitude slower (4.1 against 55 GFLOP/s in float32 for the DCGAN's 64→32, 7×7
    /// layer on the development machine), and on that machine it also gave wrong results for some shapes (5×5, stride 1).
    /// The output is returned contiguous (NCHW), as every other layer returns.
    /// </summary>
    private torch.Tensor TransposedConvolution(torch.Tensor inputs, torch.Tensor weights)
    {
        var strides = new long[] { Strides.Height, Strides.Width };
        if (inputs.device_type != DeviceType.CPU) return torch.nn.functional.conv_transpose2d(inputs, weights, strides: strides);
        using var channelsLast = inputs.permute(0, 2, 3, 1).contiguous();
        using var input = channelsLast.permute(0, 3, 1, 2);
        using var output = torch.nn.functional.conv_transpose2d(input, weights, strides: strides);
        return output.contiguous();
    }

    private torch.Tensor Compute(torch.Tensor inputs, torch.Tensor weights)
    {
        ConvolutionKernels.EnsureCorrect(inputs);
        using var scope = torch.NewDisposeScope();
        long h = inputs.shape[2], w = inputs.shape[3];
        long outH = OutputLength(h, 0), outW = OutputLength(w, 1);
        var full = TransposedConvolution(inputs, weights);
        long fullH = full.shape[2], fullW = full.shape[3];
        long top = ConvArithmetic.DeconvCropBefore(h, KernelSize.Height, Strides.Height, Padding, outH);
        long left = ConvArithmetic.DeconvCropBefore(w, KernelSize.Width, Strides.Width, Padding, outW);
        long bottom = outH - (fullH - top), right = outW - (fullW - left);
        // Negative padding crops (the forward convolution's padding); positive padding adds the rows no window reaches.
        var output = top == 0 && left == 0 && bottom == 0 && right == 0 ? full : torch.nn.functional.pad(full, new[] { -left, right, -top, bottom });
        if (bias is not null) output = output + bias.reshape(1, -1, 1, 1);
        return activation(output).MoveToOuterDisposeScope();
    }
}

/// <summary>Configuration of a <see cref="Conv2DTranspose"/> layer.</summary>
/// <param name="Filters">Output channels.</param>
/// <param name="KernelSize">Kernel (height, width).</param>
/// <param name="Strides">Strides (height, width).</param>
/// <param name="Padding"><c>"valid"</c> or <c>"same"</c>.</param>
/// <param name="OutputPadding">Output padding, or null.</param>
/// <param name="Activation">Keras activation name.</param>
/// <param name="UseBias">Whether a bias is added.</param>
/// <param name="Name">Layer name.</param>
public sealed record Conv2DTransposeConfig(int Filters, (int Height, int Width) KernelSize, (int Height, int Width) Strides, string Padding,
    (int Height, int Width)? OutputPadding, string Activation, bool UseBias, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new Conv2DTranspose(Filters, KernelSize, Strides, Padding, OutputPadding, Activation, UseBias, name: Name);
}
