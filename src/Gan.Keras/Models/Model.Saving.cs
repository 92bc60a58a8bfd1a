using Gan.Keras.Saving;

namespace Gan.Keras.Models;

/// <summary>Whole-model saving, as Keras's <c>model.save("x.keras")</c> and <c>keras.models.load_model</c>.</summary>
public abstract partial class Model
{
    /// <summary>
    /// Saves the whole model to one file, as Keras 3's <c>model.save("x.keras")</c>: a zip holding the architecture as
    /// Keras JSON (<c>config.json</c>: <c>class_name</c>, <c>config</c>, <c>build_config</c>; a functional graph with its
    /// inbound nodes), the weights (<c>model.weights.safetensors</c>, bitwise) and metadata (library version, dtype
    /// policy); once compiled, also its <c>compile_config</c> (optimizer, losses, loss weights, metrics) and the optimizer's
    /// state, so that a loaded model goes on training where this one stopped. <see cref="Load"/> opens it without the
    /// code that built the model. Written atomically.
    /// </summary>
    /// <param name="path">The file to write; <c>.keras</c> by convention.</param>
    /// <exception cref="NotSupportedException">
    /// The model holds something a file cannot describe: it is a subclassed model (C# <c>Call</c>), a layer is a
    /// <see cref="Layers.Lambda"/> or a custom layer not registered with <see cref="SerializableLayers.Register{TLayer, TConfig}"/>,
    /// or it was compiled with a loss, optimizer or metric that is not the library's own.
    /// The message names the layer and the fix; nothing is written.
    /// </exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ModelFile.Save(this, path);
    }

    /// <summary>
    /// Loads a model saved by <see cref="Save"/>, as Keras's <c>keras.models.load_model</c>: rebuilds the architecture
    /// (a <see cref="Sequential"/> or <see cref="Functional"/>, nested models and shared layers included) and copies in the
    /// weights; a model saved compiled comes back compiled, its optimizer's state restored (unless <paramref name="compile"/>
    /// is false). Custom layers must be registered first (<see cref="SerializableLayers.Register{TLayer, TConfig}"/>).
    /// </summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <param name="compile">Whether to compile the model as it was saved (Keras's <c>load_model(compile=True)</c>).</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">
    /// The file is truncated or corrupt, is not a saved model, names a layer type that is not registered (the message says
    /// how to register it), or its weights do not fit its architecture; the message names the file and what is wrong.
    /// </exception>
    public static Model Load(string path, bool compile = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Saved model '{path}' does not exist.", path);
        return ModelFile.Load(File.ReadAllBytes(path), path, compile);
    }
}
