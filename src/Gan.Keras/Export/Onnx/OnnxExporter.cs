using System.Globalization;
using System.Reflection;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Google.Protobuf;
using Onnx;

namespace Gan.Keras.Export.Onnx;

/// <summary>
/// Exports a GAN's generator to an ONNX model that ONNX Runtime (CPU, GPU, mobile, the browser) runs without
/// Gan.Keras or libtorch: the PyTorch users' <c>torch.onnx.export</c>, for the generators of this library.
/// </summary>
/// <remarks>
/// <para>The graph (ONNX opset <see cref="Opset"/>, IR version 8) has one input per generator input
/// (<see cref="GanModel.GeneratorInputs"/>, named after them): float32 <c>latent</c> <c>[batch, latentDim]</c>, int64
/// <c>labels</c> for a conditional GAN (<c>[batch]</c> for a <see cref="ConditionalGanModel"/>, or the labels input's
/// shape), float32 codes; its float32 output <c>samples</c> is <c>[batch, ...sampleShape]</c>, NCHW for images, as
/// <see cref="GanModel.Generate"/> returns. The batch dimension is symbolic (<c>batch</c>): any batch size runs.
/// The graph is the generator's own: each layer adds its nodes (<see cref="Layers.Layer.ExportOnnx(OnnxExportContext, string)"/>),
/// and a functional generator is walked call by call (merges, shared layers, nested models).</para>
/// <para>The generator runs in inference mode, with the weights <see cref="GanModel.Generate"/> uses: the moving
/// average of weights when <see cref="GanModel.GeneratorEmaDecay"/> is set, else the trained ones. Weights are stored
/// in float32 (a float64 model is converted). Every built-in layer converts, a custom layer converts when it overrides
/// <c>ExportOnnx</c>; a generator with any other layer (or a subclassed model whose <c>Call</c> is C# code) is refused with
/// an <see cref="OnnxExportException"/> naming every such layer, before anything is written. The file is written atomically (temporary file, flush, rename).</para>
/// <para>Metadata (<c>metadata_props</c>): <c>gan_keras.latent_dim</c>, <c>gan_keras.num_classes</c> (conditional
/// only), <c>gan_keras.sample_shape</c> (comma-separated), <c>gan_keras.weights</c> (<c>ema</c> or <c>trained</c>),
/// <c>gan_keras.codes</c> (InfoGAN codes only: <c>name:categorical:K</c> or <c>name:uniform:low:high:dim</c>,
/// <c>;</c>-separated) and <c>gan_keras.output_range</c> (<c>low,high</c> of the generator's output).</para>
/// </remarks>
public static class OnnxExporter
{
    /// <summary>The ONNX operator set of exported graphs (ONNX 1.12; ONNX Runtime 1.12 and later, onnxruntime-web).</summary>
    public const int Opset = 17;

    /// <summary>The name of the latent input.</summary>
    public const string LatentInput = "latent";

    /// <summary>The name of the class-label input of conditional generators.</summary>
    public const string LabelsInput = "labels";

    /// <summary>The name of the output.</summary>
    public const string SamplesOutput = "samples";

    private const long IrVersion = 8;

    /// <summary>Exports the generator of <paramref name="gan"/> to an ONNX file.</summary>
    /// <param name="gan">The GAN; its generator must be built of built-in layers.</param>
    /// <param name="path">The <c>.onnx</c> file to write (replaced atomically).</param>
    /// <returns>What was written.</returns>
    /// <exception cref="OnnxExportException">A layer cannot be exported; nothing was written.</exception>
    public static OnnxExportInfo ExportGenerator(GanModel gan, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (bytes, info) = Build(gan);
        AtomicFile.WriteAllBytes(path, bytes);
        return info with { Path = Path.GetFullPath(path) };
    }

    /// <summary>Exports the generator of <paramref name="gan"/> to an ONNX model in memory (for <c>new InferenceSession(bytes)</c>).</summary>
    /// <param name="gan">The GAN; its generator must be built of built-in layers.</param>
    /// <returns>The serialised <c>ModelProto</c>.</returns>
    /// <exception cref="OnnxExportException">A layer cannot be exported.</exception>
    public static byte[] ExportGeneratorToBytes(GanModel gan) => Build(gan).Bytes;

    private static (byte[] Bytes, OnnxExportInfo Info) Build(GanModel gan)
    {
        ArgumentNullException.ThrowIfNull(gan);
        var generator = gan.Generator;
        if (!generator.Built) throw new InvalidOperationException($"The generator '{generator.Name}' is not built; build it (or run it once) before exporting.");
        var sampleShape = generator.OutputShapes![0];
        int? classes = gan.NumClasses > 0 ? gan.NumClasses : null;
        var ema = gan.GeneratorEmaWeights;
        bool usesEma = ema.Count > 0;
        var weights = usesEma ? ema : generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);

        var graph = new OnnxGraphBuilder(generator.Name);
        var onnx = new OnnxExportContext(graph, weights);
        foreach (var input in gan.GeneratorInputs)
            graph.AddInput(input.Name, input.DType == TorchSharp.torch.ScalarType.Int64 ? TensorProto.Types.DataType.Int64 : TensorProto.Types.DataType.Float, new long[] { -1 }.Concat(input.Shape));
        string x = gan.ExportGeneratorGraph(onnx, gan.GeneratorInputs.Select(i => i.Name).ToArray());
        if (onnx.Refusals.Count > 0)
        {
            var refused = onnx.Refusals;
            string names = string.Join("; ", refused.Select(r => $"'{r.Layer.DisplayName}' ({r.Layer.GetType().Name}) {r.Reason}"));
            throw new OnnxExportException(
                $"Cannot export '{generator.Name}' to ONNX: {names}. No file was written.",
                refused[0].Layer.DisplayName, refused[0].Layer.GetType().Name);
        }
        graph.AddNodeWithOutput("Identity", SamplesOutput, new[] { x });
        graph.AddOutput(SamplesOutput, TensorProto.Types.DataType.Float, new long[] { -1 }.Concat(sampleShape));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Gan.Keras",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            DocString = $"Generator '{generator.Name}' exported by Gan.Keras: " +
                string.Join(", ", gan.GeneratorInputs.Select(i => $"{i.Name} {Shapes.FormatWithBatch(i.Shape)}{(i is LabelsInput ? $" (0..{classes - 1})" : string.Empty)}")) +
                $" -> {SamplesOutput} {Shapes.FormatWithBatch(sampleShape)}.",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        AddMetadata(model, "gan_keras.latent_dim", gan.LatentDim.ToString(CultureInfo.InvariantCulture));
        if (classes is not null) AddMetadata(model, "gan_keras.num_classes", classes.Value.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, "gan_keras.sample_shape", string.Join(",", sampleShape.Select(d => d.ToString(CultureInfo.InvariantCulture))));
        AddMetadata(model, "gan_keras.weights", usesEma ? "ema" : "trained");
        // Codes a server must draw itself (InfoGAN): name:categorical:K or name:uniform:low:high:dim, ';'-separated.
        var codes = gan.GeneratorInputs.Select(i => i switch
        {
            CategoricalCodeInput c => string.Create(CultureInfo.InvariantCulture, $"{c.Name}:categorical:{c.Categories}"),
            UniformCodeInput u => string.Create(CultureInfo.InvariantCulture, $"{u.Name}:uniform:{u.Low:R}:{u.High:R}:{u.Dim}"),
            _ => null,
        }).OfType<string>().ToArray();
        if (codes.Length > 0) AddMetadata(model, "gan_keras.codes", string.Join(";", codes));
        AddMetadata(model, "gan_keras.output_range", string.Create(CultureInfo.InvariantCulture, $"{gan.OutputRange.Low:R},{gan.OutputRange.High:R}"));
        byte[] bytes = model.ToByteArray();
        return (bytes, new OnnxExportInfo(null, bytes.LongLength, Opset, usesEma, gan.LatentDim, classes, sampleShape.ToArray()));
    }

    private static void AddMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
