using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras;

/// <summary>The entry points Keras users reach as <c>keras.Input</c>: the start of a functional model.</summary>
public static class Keras
{
    /// <summary>
    /// Creates a symbolic model input, as Keras's <c>keras.Input(shape, dtype, name)</c>: call layers on it, then make a
    /// <see cref="Models.Functional"/> model from the inputs and the outputs.
    /// </summary>
    /// <param name="shape">The per-example shape, without the batch dimension (<c>[100]</c>, <c>[1, 28, 28]</c>).</param>
    /// <param name="dtype">The element type: <c>float32</c> by default; <c>int64</c> for class labels.</param>
    /// <param name="name">The input's name; ONNX export names the graph input after it.</param>
    /// <example><code>
    /// var noise = Keras.Input([100], name: "latent");
    /// var label = Keras.Input([1], torch.int64, name: "labels");
    /// </code></example>
    public static KerasTensor Input(long[] shape, torch.ScalarType dtype = torch.ScalarType.Float32, string? name = null) =>
        new InputLayer(shape, dtype, name).Output;
}
