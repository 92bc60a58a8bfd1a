using System.Globalization;
using System.Reflection;
using Gan.Keras.Internal;
using Gan.Keras.Models;
using Google.Protobuf;
using Onnx;

namespace Gan.Keras.Export.Onnx;

/// <summary>
/// Exports a GAN's generator to an ONNX model that ONNX Runtime (CPU, GPU, mobile, the browser) runs without
/// Gan.Keras or libtorch: the PyTorch users' <c>torch.onnx.export</c>, for the generators of this library.
/// </summary>
/// <remarks>
/// <para>The graph (ONNX opset <see cref="Opset"/>, IR version 8) has one float32 input <c>latent</c>
/// <c>[batch, latentDim]</c> and, for a <see cref="ConditionalGanModel"/>, an int64 input <c>labels</c> <c>[batch]</c>
/// (class indices); its float32 output <c>samples</c> is <c>[batch, ...sampleShape]</c>, NCHW for images, as
/// <see cref="GanModel.Generate"/> returns. The batch dimension is symbolic (<c>batch</c>): any batch size runs.
/// A conditional graph turns labels into one-hot vectors with a Gather on an identity table (an Embedding) and joins
/// them to the latent vector with a Concat, as <see cref="ConditionalGanModel"/> does.</para>
/// <para>The generator runs in inference mode, with the weights <see cref="GanModel.Generate"/> uses: the moving
/// average of weights when <see cref="GanModel.GeneratorEmaDecay"/> is set, else the trained ones. Weights are stored
/// in float32 (a float64 model is converted). Every built-in layer converts (see <see cref="OnnxLayerConverter"/>); a
/// generator with any other layer is refused with an <see cref="OnnxExportException"/> naming it, before anything is
/// written. The file is written atomically (temporary file, flush, rename).</para>
/// <para>Metadata (<c>metadata_props</c>): <c>gan_keras.latent_dim</c>, <c>gan_keras.num_classes</c> (conditional
/// only), <c>gan_keras.sample_shape</c> (comma-separated), <c>gan_keras.weights</c> (<c>ema</c> or <c>trained</c>).</para>
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
        OnnxLayerConverter.CheckExportable(generator);
        var inputShape = generator.InputShape
            ?? throw new InvalidOperationException($"The generator '{generator.Name}' is not built; build it (or run it once) before exporting.");
        var sampleShape = generator.OutputShape!;
        int? classes = gan.NumClasses > 0 ? gan.NumClasses : null;
        var ema = gan.GeneratorEmaWeights;
        bool usesEma = ema.Count > 0;
        var weights = usesEma ? ema : generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value);

        var graph = new OnnxGraphBuilder(generator.Name);
        var converter = new OnnxLayerConverter(graph, weights);
        graph.AddInput(LatentInput, TensorProto.Types.DataType.Float, new long[] { -1, gan.LatentDim });
        string x = LatentInput;
        if (classes is { } numClasses)
        {
            // labels → one-hot rows of an identity table (an Embedding lookup) → [latent ‖ one_hot(labels)].
            graph.AddInput(LabelsInput, TensorProto.Types.DataType.Int64, new long[] { -1 });
            var identity = new float[numClasses * numClasses];
            for (int i = 0; i < numClasses; i++) identity[i * numClasses + i] = 1;
            string table = graph.AddFloats("one_hot.table", new long[] { numClasses, numClasses }, identity);
            string oneHot = converter.ConvertEmbedding("one_hot", table, LabelsInput);
            x = converter.ConvertConcatenate("condition", new[] { LatentInput, oneHot }, axis: 1);
        }
        x = converter.Convert(generator, string.Empty, x, inputShape);
        graph.AddNodeWithOutput("Identity", SamplesOutput, new[] { x });
        graph.AddOutput(SamplesOutput, TensorProto.Types.DataType.Float, new long[] { -1 }.Concat(sampleShape));

        var model = new ModelProto
        {
            IrVersion = IrVersion,
            ProducerName = "Gan.Keras",
            ProducerVersion = typeof(OnnxExporter).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            DocString = $"Generator '{generator.Name}' exported by Gan.Keras: {LatentInput} [batch, {gan.LatentDim}]" +
                (classes is null ? string.Empty : $", {LabelsInput} [batch] (0..{classes - 1})") + $" -> {SamplesOutput} {Shapes.FormatWithBatch(sampleShape)}.",
            Graph = graph.Graph,
        };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = string.Empty, Version = Opset });
        AddMetadata(model, "gan_keras.latent_dim", gan.LatentDim.ToString(CultureInfo.InvariantCulture));
        if (classes is not null) AddMetadata(model, "gan_keras.num_classes", classes.Value.ToString(CultureInfo.InvariantCulture));
        AddMetadata(model, "gan_keras.sample_shape", string.Join(",", sampleShape.Select(d => d.ToString(CultureInfo.InvariantCulture))));
        AddMetadata(model, "gan_keras.weights", usesEma ? "ema" : "trained");
        byte[] bytes = model.ToByteArray();
        return (bytes, new OnnxExportInfo(null, bytes.LongLength, Opset, usesEma, gan.LatentDim, classes, sampleShape.ToArray()));
    }

    private static void AddMetadata(ModelProto model, string key, string value) =>
        model.MetadataProps.Add(new StringStringEntryProto { Key = key, Value = value });
}
