using System.Globalization;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using static Gan.Keras.Export.Onnx.OnnxGraphBuilder;

namespace Gan.Keras.Export.Onnx;

/// <summary>
/// Turns built-in layers into ONNX nodes (opset <see cref="OnnxExporter.Opset"/>), in inference mode: batch
/// normalisation uses its moving statistics, Dropout and GaussianNoise are the identity, spectral normalisation divides
/// the kernel by its current σ estimate. Weights are read by state-dict name from one dictionary (the generator's live
/// weights or its moving average), never from cached parameter objects.
/// </summary>
internal sealed class OnnxLayerConverter
{
    /// <summary>The layer types with a conversion, as named in errors.</summary>
    public static readonly string[] ExportableLayers =
    {
        nameof(Sequential), nameof(Dense), nameof(Conv2D), nameof(Conv2DTranspose), nameof(BatchNormalization), nameof(Activation),
        nameof(ReLU), nameof(LeakyReLU), nameof(Reshape), nameof(Flatten), nameof(UpSampling2D), nameof(Embedding),
        nameof(Dropout), nameof(GaussianNoise), nameof(SpectralNormalization),
    };

    private readonly OnnxGraphBuilder graph;
    private readonly IReadOnlyDictionary<string, torch.Tensor> weights;

    /// <summary>Initializes a new instance of the <see cref="OnnxLayerConverter"/> class.</summary>
    /// <param name="graph">The graph to add nodes and initializers to.</param>
    /// <param name="weights">The model's weights by state-dict name (<c>dense_0.kernel</c>).</param>
    public OnnxLayerConverter(OnnxGraphBuilder graph, IReadOnlyDictionary<string, torch.Tensor> weights)
    {
        this.graph = graph;
        this.weights = weights;
    }

    /// <summary>Throws an <see cref="OnnxExportException"/> naming every layer of <paramref name="model"/> that has no conversion.</summary>
    public static void CheckExportable(Layer model)
    {
        var refused = new List<Layer>();
        Collect(model, refused);
        if (refused.Count == 0) return;
        string names = string.Join(", ", refused.Select(l => $"'{l.Name}' ({l.GetType().Name}{(l is Model ? ", a subclassed Model whose Call is C# code" : string.Empty)})"));
        throw new OnnxExportException(
            $"Cannot export '{model.Name}' to ONNX: layer{(refused.Count > 1 ? "s" : string.Empty)} {names} ha{(refused.Count > 1 ? "ve" : "s")} no ONNX conversion. " +
            $"Exportable layers: {string.Join(", ", ExportableLayers)}. Build the generator as a Sequential of these layers. No file was written.",
            refused[0].Name, refused[0].GetType().Name);

        static void Collect(Layer layer, List<Layer> refused)
        {
            switch (layer)
            {
                case Sequential sequential:
                    foreach (var child in sequential.Layers) Collect(child, refused);
                    break;
                case SpectralNormalization wrapper:
                    Collect(wrapper.Layer, refused);
                    break;
                case Dense or Conv2D or Conv2DTranspose or BatchNormalization or Activation or ReLU or LeakyReLU or Reshape or Flatten
                    or UpSampling2D or Embedding or Dropout or GaussianNoise:
                    break;
                default:
                    refused.Add(layer);
                    break;
            }
        }
    }

    /// <summary>Adds the nodes of <paramref name="layer"/> and returns the name of its output.</summary>
    /// <param name="layer">The layer (already checked with <see cref="CheckExportable"/>).</param>
    /// <param name="prefix">The layer's state-dict prefix, with the trailing dot (<c>dense_0.</c>).</param>
    /// <param name="input">The name of the layer's input value.</param>
    /// <param name="inputShape">The per-example input shape.</param>
    public string Convert(Layer layer, string prefix, string input, IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer switch
        {
            Sequential sequential => ConvertSequential(sequential, prefix, input, inputShape),
            Dense dense => ConvertDense(dense, prefix, input, inputShape, Weight(prefix, "kernel", dense)),
            Conv2D conv => ConvertConv2D(conv, prefix, input, inputShape, Weight(prefix, "kernel", conv)),
            Conv2DTranspose deconv => ConvertConv2DTranspose(deconv, prefix, input, inputShape, Weight(prefix, "kernel", deconv)),
            Embedding embedding => ConvertEmbedding(embedding.Name, graph.AddWeight($"{embedding.Name}.embeddings", Weight(prefix, "embeddings", embedding)), input),
            BatchNormalization norm => ConvertBatchNormalization(norm, prefix, input),
            Activation activation => Activate(activation.ActivationName, input, activation.Name),
            ReLU relu => graph.AddNode("Relu", relu.Name, new[] { input }),
            LeakyReLU leaky => graph.AddNode("LeakyRelu", leaky.Name, new[] { input }, Attribute("alpha", (float)leaky.Alpha)),
            Reshape reshape => ConvertReshape(reshape.Name, input, reshape.ComputeOutputShape(inputShape)),
            Flatten flatten => graph.AddNode("Flatten", flatten.Name, new[] { input }, Attribute("axis", 1L)),
            UpSampling2D up => ConvertUpSampling(up, input),
            // Inference mode: no dropout, no noise.
            Dropout or GaussianNoise => input,
            SpectralNormalization wrapper => ConvertSpectralNormalization(wrapper, prefix, input, inputShape),
            _ => throw new OnnxExportException($"Layer '{layer.Name}' ({layer.GetType().Name}) has no ONNX conversion.", layer.Name, layer.GetType().Name),
        };
    }

    /// <summary>Adds a table lookup, as an <see cref="Embedding"/> layer computes it: indices cast to int64, rows gathered.</summary>
    /// <param name="stem">The name prefix of the nodes.</param>
    /// <param name="table">The name of the <c>[rows, width]</c> table.</param>
    /// <param name="indices">The name of the indices value (any numeric type; floats are truncated, as Keras casts them).</param>
    public string ConvertEmbedding(string stem, string table, string indices)
    {
        string cast = graph.AddNode("Cast", stem, new[] { indices }, Attribute("to", (long)global::Onnx.TensorProto.Types.DataType.Int64));
        return graph.AddNode("Gather", stem, new[] { table, cast }, Attribute("axis", 0L));
    }

    /// <summary>Adds a concatenation along <paramref name="axis"/> (batch counted as axis 0), as a <see cref="Concatenate"/> layer computes it.</summary>
    public string ConvertConcatenate(string stem, IEnumerable<string> inputs, int axis) =>
        graph.AddNode("Concat", stem, inputs, Attribute("axis", (long)axis));

    private string ConvertSequential(Sequential sequential, string prefix, string input, IReadOnlyList<long> inputShape)
    {
        var x = input;
        var shape = inputShape;
        foreach (var layer in sequential.Layers)
        {
            x = Convert(layer, prefix + layer.Name + ".", x, shape);
            shape = layer.ComputeOutputShape(shape);
        }
        return x;
    }

    private string ConvertDense(Dense dense, string prefix, string input, IReadOnlyList<long> inputShape, torch.Tensor kernel)
    {
        string w = graph.AddWeight($"{dense.Name}.kernel", kernel);
        string? b = weights.TryGetValue(prefix + "bias", out var bias) ? graph.AddWeight($"{dense.Name}.bias", bias) : null;
        string linear;
        if (inputShape.Count == 1)
            linear = graph.AddNode("Gemm", dense.Name, b is null ? new[] { input, w } : new[] { input, w, b });
        else
        {
            linear = graph.AddNode("MatMul", dense.Name, new[] { input, w });
            if (b is not null) linear = graph.AddNode("Add", dense.Name, new[] { linear, b });
        }
        return Activate(dense.ActivationName, linear, dense.Name);
    }

    private string ConvertConv2D(Conv2D conv, string prefix, string input, IReadOnlyList<long> inputShape, torch.Tensor kernel)
    {
        long top = 0, bottom = 0, left = 0, right = 0;
        if (conv.Padding == "same")
        {
            (top, bottom) = ConvArithmetic.SamePadding(inputShape[1], conv.KernelSize.Height, conv.Strides.Height);
            (left, right) = ConvArithmetic.SamePadding(inputShape[2], conv.KernelSize.Width, conv.Strides.Width);
        }
        var inputs = new List<string> { input, graph.AddWeight($"{conv.Name}.kernel", kernel) };
        if (weights.TryGetValue(prefix + "bias", out var bias)) inputs.Add(graph.AddWeight($"{conv.Name}.bias", bias));
        string output = graph.AddNode("Conv", conv.Name, inputs,
            Attribute("kernel_shape", conv.KernelSize.Height, conv.KernelSize.Width),
            Attribute("strides", conv.Strides.Height, conv.Strides.Width),
            Attribute("pads", top, left, bottom, right));
        return Activate(conv.ActivationName, output, conv.Name);
    }

    private string ConvertConv2DTranspose(Conv2DTranspose deconv, string prefix, string input, IReadOnlyList<long> inputShape, torch.Tensor kernel)
    {
        // The layer computes the full transposed convolution ((in − 1)·s + k), then crops (or pads with zeros) to
        // Keras's output size, then adds the bias. ONNX's ConvTranspose crops with its pads; rows beyond the full
        // output (only when k < s) are added by a Pad node, before the bias as in the layer.
        var output = deconv.ComputeOutputShape(inputShape);
        long h = inputShape[1], w = inputShape[2], outH = output[1], outW = output[2];
        long fullH = (h - 1) * deconv.Strides.Height + deconv.KernelSize.Height, fullW = (w - 1) * deconv.Strides.Width + deconv.KernelSize.Width;
        long top = ConvArithmetic.DeconvCropBefore(h, deconv.KernelSize.Height, deconv.Strides.Height, deconv.Padding, outH);
        long left = ConvArithmetic.DeconvCropBefore(w, deconv.KernelSize.Width, deconv.Strides.Width, deconv.Padding, outW);
        long bottom = outH - (fullH - top), right = outW - (fullW - left);
        bool extend = bottom > 0 || right > 0;
        var inputs = new List<string> { input, graph.AddWeight($"{deconv.Name}.kernel", kernel) };
        string? b = weights.TryGetValue(prefix + "bias", out var bias) ? graph.AddWeight($"{deconv.Name}.bias", bias) : null;
        if (b is not null && !extend) inputs.Add(b);
        string x = graph.AddNode("ConvTranspose", deconv.Name, inputs,
            Attribute("kernel_shape", deconv.KernelSize.Height, deconv.KernelSize.Width),
            Attribute("strides", deconv.Strides.Height, deconv.Strides.Width),
            Attribute("pads", top, left, Math.Max(0, -bottom), Math.Max(0, -right)));
        if (extend)
        {
            string pads = graph.AddInt64s($"{deconv.Name}.pads", new long[] { 8 }, new long[] { 0, 0, 0, 0, 0, 0, Math.Max(0, bottom), Math.Max(0, right) });
            x = graph.AddNode("Pad", deconv.Name, new[] { x, pads }, Attribute("mode", "constant"));
            if (b is not null)
            {
                string shape = graph.AddInt64s($"{deconv.Name}.bias_shape", new long[] { 4 }, new long[] { 1, -1, 1, 1 });
                x = graph.AddNode("Add", deconv.Name, new[] { x, graph.AddNode("Reshape", deconv.Name, new[] { b, shape }) });
            }
        }
        return Activate(deconv.ActivationName, x, deconv.Name);
    }

    private string ConvertBatchNormalization(BatchNormalization norm, string prefix, string input)
    {
        var mean = Weight(prefix, "moving_mean", norm);
        var variance = Weight(prefix, "moving_variance", norm);
        long channels = mean.shape[0];
        string scale = weights.TryGetValue(prefix + "gamma", out var gamma)
            ? graph.AddWeight($"{norm.Name}.gamma", gamma)
            : graph.AddFloats($"{norm.Name}.gamma", new[] { channels }, Enumerable.Repeat(1f, (int)channels).ToArray());
        string offset = weights.TryGetValue(prefix + "beta", out var beta)
            ? graph.AddWeight($"{norm.Name}.beta", beta)
            : graph.AddFloats($"{norm.Name}.beta", new[] { channels }, new float[channels]);
        return graph.AddNode("BatchNormalization", norm.Name,
            new[] { input, scale, offset, graph.AddWeight($"{norm.Name}.moving_mean", mean), graph.AddWeight($"{norm.Name}.moving_variance", variance) },
            Attribute("epsilon", (float)norm.Epsilon));
    }

    private string ConvertReshape(string stem, string input, IReadOnlyList<long> outputShape)
    {
        string shape = graph.AddInt64s($"{stem}.shape", new long[] { outputShape.Count + 1 }, new long[] { -1 }.Concat(outputShape).ToArray());
        return graph.AddNode("Reshape", stem, new[] { input, shape });
    }

    private string ConvertUpSampling(UpSampling2D up, string input)
    {
        string scales = graph.AddFloats($"{up.Name}.scales", new long[] { 4 }, new float[] { 1, 1, up.Size.Height, up.Size.Width });
        // Nearest: each pixel repeated (source index floor(dst / s)). Bilinear: half-pixel centres, as align_corners=False.
        return up.Interpolation == "nearest"
            ? graph.AddNode("Resize", up.Name, new[] { input, string.Empty, scales },
                Attribute("mode", "nearest"), Attribute("coordinate_transformation_mode", "asymmetric"), Attribute("nearest_mode", "floor"))
            : graph.AddNode("Resize", up.Name, new[] { input, string.Empty, scales },
                Attribute("mode", "linear"), Attribute("coordinate_transformation_mode", "half_pixel"));
    }

    private string ConvertSpectralNormalization(SpectralNormalization wrapper, string prefix, string input, IReadOnlyList<long> inputShape)
    {
        // Inference: the wrapped layer runs with W / σ, σ = v·W·uᵀ from the stored u (not updated), as the layer computes it.
        string inner = prefix + "layer.";
        var layer = wrapper.Layer;
        var kernel = Weight(inner, layer is Embedding ? "embeddings" : "kernel", layer);
        var u = Weight(prefix, "vector_u", wrapper);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var matrix = SpectralNormalization.Matrix(kernel);
        var sigma = SpectralNormalization.Sigma(matrix, u);
        sigma = torch.where(matrix.eq(0).all(), torch.ones_like(sigma), sigma);
        var normalized = kernel / sigma;
        return layer switch
        {
            Dense dense => ConvertDense(dense, inner, input, inputShape, normalized),
            Conv2D conv => ConvertConv2D(conv, inner, input, inputShape, normalized),
            Conv2DTranspose deconv => ConvertConv2DTranspose(deconv, inner, input, inputShape, normalized),
            Embedding embedding => ConvertEmbedding(embedding.Name, graph.AddWeight($"{embedding.Name}.embeddings", normalized), input),
            _ => throw new OnnxExportException($"Layer '{layer.Name}' ({layer.GetType().Name}) inside '{wrapper.Name}' has no ONNX conversion.", layer.Name, layer.GetType().Name),
        };
    }

    /// <summary>Adds a Keras activation by name (nothing for <c>linear</c>).</summary>
    private string Activate(string activation, string x, string stem)
    {
        switch (activation)
        {
            case "linear":
                return x;
            case "relu":
                return graph.AddNode("Relu", stem, new[] { x });
            case "sigmoid":
                return graph.AddNode("Sigmoid", stem, new[] { x });
            case "tanh":
                return graph.AddNode("Tanh", stem, new[] { x });
            case "leaky_relu":
                return graph.AddNode("LeakyRelu", stem, new[] { x }, Attribute("alpha", 0.2f));
            case "elu":
                return graph.AddNode("Elu", stem, new[] { x }, Attribute("alpha", 1f));
            case "selu":
                // ONNX's default α and γ are libtorch's constants.
                return graph.AddNode("Selu", stem, new[] { x });
            case "softplus":
                return graph.AddNode("Softplus", stem, new[] { x });
            case "softmax":
                return graph.AddNode("Softmax", stem, new[] { x }, Attribute("axis", -1L));
            case "gelu":
            {
                // Exact GELU, 0.5·x·(1 + erf(x/√2)) (libtorch's default); the Gelu operator needs opset 20.
                string root2 = graph.AddFloats($"{stem}.sqrt2", Array.Empty<long>(), new[] { MathF.Sqrt(2f) });
                string one = graph.AddFloats($"{stem}.one", Array.Empty<long>(), [1f]);
                string half = graph.AddFloats($"{stem}.half", Array.Empty<long>(), [0.5f]);
                string erf = graph.AddNode("Erf", stem, new[] { graph.AddNode("Div", stem, new[] { x, root2 }) });
                string gate = graph.AddNode("Mul", stem, new[] { graph.AddNode("Add", stem, new[] { erf, one }), half });
                return graph.AddNode("Mul", stem, new[] { x, gate });
            }
            case "swish" or "silu":
                return graph.AddNode("Mul", stem, new[] { x, graph.AddNode("Sigmoid", stem, new[] { x }) });
            default:
                throw new OnnxExportException(
                    string.Create(CultureInfo.InvariantCulture, $"Layer '{stem}' uses activation '{activation}', which has no ONNX conversion. Valid: {string.Join(", ", Activations.Names)}."),
                    stem, activation);
        }
    }

    private torch.Tensor Weight(string prefix, string name, Layer layer) =>
        weights.TryGetValue(prefix + name, out var tensor)
            ? tensor
            : throw new InvalidOperationException($"Layer '{layer.Name}' ({layer.GetType().Name}) has no weight '{prefix}{name}'; build the generator before exporting it.");
}
