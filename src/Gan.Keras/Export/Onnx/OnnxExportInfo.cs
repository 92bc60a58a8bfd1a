namespace Gan.Keras.Export.Onnx;

/// <summary>What <see cref="OnnxExporter"/> wrote: the graph's inputs and output, and which weights it holds.</summary>
/// <param name="Path">The file written, or null for an export to bytes.</param>
/// <param name="Bytes">The size of the ONNX model.</param>
/// <param name="Opset">The ONNX operator set (<see cref="OnnxExporter.Opset"/>).</param>
/// <param name="UsesEmaWeights">Whether the graph holds the generator's moving average of weights rather than its trained weights.</param>
/// <param name="LatentDim">The size of the <c>latent</c> input, <c>[batch, LatentDim]</c> float32.</param>
/// <param name="NumClasses">The number of classes of the <c>labels</c> input (<c>[batch]</c> int64), or null for an unconditional generator.</param>
/// <param name="SampleShape">The per-example shape of the <c>samples</c> output (<c>[batch, ...SampleShape]</c> float32).</param>
public sealed record OnnxExportInfo(string? Path, long Bytes, int Opset, bool UsesEmaWeights, int LatentDim, int? NumClasses, IReadOnlyList<long> SampleShape);
