using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras;

/// <summary>The entry points Keras users reach as <c>keras.Input</c> (the start of a functional model) and <c>keras.models.clone_model</c>.</summary>
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

    /// <summary>
    /// Returns a new model with the same architecture and new, freshly initialised weights, as Keras's
    /// <c>keras.models.clone_model(model)</c> (copy the weights afterwards when a twin must start equal, as Keras users do
    /// with <c>set_weights(get_weights())</c>). Shared layers stay shared in the clone.
    /// </summary>
    /// <param name="model">A <see cref="Models.Sequential"/> or <see cref="Models.Functional"/> model.</param>
    /// <exception cref="ArgumentException">The model is a subclassed model, whose structure is C# code.</exception>
    public static Models.Model CloneModel(Models.Model model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model is not (Models.Sequential or Models.Functional))
            throw new ArgumentException($"Model '{model.Name}' is a subclassed model ({model.GetType().Name}); clone_model rebuilds Sequential and Functional models only: construct a new {model.GetType().Name} instead.", nameof(model));
        var clone = (Models.Model)model.GetConfig().CreateLayer();
        if (!clone.Built && model.InputShapes is { } shapes) clone.Build(shapes);
        return clone;
    }
}
