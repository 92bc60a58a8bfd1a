using Gan.Keras.Saving;

namespace Gan.Keras.Models;

/// <summary>Whole-GAN saving: both networks, the generator's inputs, the weight average, the loss and optimizers with their state.</summary>
public partial class GanModel
{
    private (double Low, double High)? outputRange;

    /// <summary>
    /// Gets or sets the range of the generator's samples, which pictures and served images are mapped from: by default
    /// inferred from the generator's last activation (<c>tanh</c> → [−1, 1], <c>sigmoid</c> → [0, 1]), and [−1, 1] when
    /// the last activation does not bound it. Set it when the generator's output is bounded otherwise. Saved by <see cref="Save"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The bounds are not finite with low &lt; high.</exception>
    public (double Low, double High) OutputRange
    {
        get => outputRange ?? Saving.OutputRange.Infer(Generator) ?? (-1, 1);
        set => outputRange = value.Low < value.High && double.IsFinite(value.Low) && double.IsFinite(value.High) ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The output range needs finite bounds with low < high, e.g. (-1, 1) for tanh or (0, 1) for sigmoid.");
    }

    /// <summary>
    /// Saves the whole GAN to one file (a zip as Keras's <c>.keras</c>): both networks' architectures as Keras JSON, the
    /// generator's inputs (<see cref="GeneratorInputs"/>: latent size, labels, codes), the seed, the sample range, the
    /// weight average and its decay, and, once compiled, the loss, the output losses, both optimizers' settings and state,
    /// the training options and the random states, so that <see cref="Load"/> then <see cref="Fit"/> continues as a
    /// checkpoint resume does. Written atomically.
    /// </summary>
    /// <param name="path">The file to write (<c>.keras</c> by convention).</param>
    /// <exception cref="NotSupportedException">
    /// Something cannot be described by a file: a subclass of <see cref="GanModel"/> (its step is C# code), a network
    /// <see cref="Model.Save"/> refuses, or a loss, optimizer or augmentation that is not the library's own. Nothing is written.
    /// </exception>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        GanFile.Save(this, path);
    }

    /// <summary>
    /// Loads a GAN saved by <see cref="Save"/> without the code that built it: rebuilds both networks and the generator's
    /// inputs, restores the weights and weight average, and, when it was saved compiled, compiles it with the saved loss
    /// and optimizers and restores their state and the random states (then <see cref="Fit"/> continues the training).
    /// Custom layers must be registered first (<see cref="SerializableLayers.Register{TLayer, TConfig}"/>).
    /// </summary>
    /// <param name="path">A file written by <see cref="Save"/>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt, is not a saved GAN, names an unregistered layer type, or its tensors do not fit its architecture; the message names the file and what is wrong.</exception>
    public static GanModel Load(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"Saved GAN '{path}' does not exist.", path);
        return GanFile.Load(File.ReadAllBytes(path), path);
    }
}
