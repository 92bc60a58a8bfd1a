using Gan.Keras.Layers;

namespace Gan.Keras.Training;

/// <summary>
/// Every layer's own <see cref="Layer.Trainable"/> flag at one moment: what a compiled model trains with. Keras
/// freezes "for the next compile" (its documentation: change <c>trainable</c>, then call <c>compile()</c> again), and the
/// Keras GAN examples depend on it: the discriminator is compiled, then frozen, then compiled inside the combined model,
/// and its own <c>train_on_batch</c> still trains it (batch normalisation in training mode) while the combined model's
/// only trains the generator.
/// </summary>
internal sealed class TrainableSnapshot
{
    private readonly (Layer Layer, bool Trainable)[] flags;

    private TrainableSnapshot((Layer Layer, bool Trainable)[] flags) => this.flags = flags;

    /// <summary>Records the flags of <paramref name="model"/> and all its sublayers now.</summary>
    public static TrainableSnapshot Capture(Layer model) => new(Flags(model));

    /// <summary>Gets the recorded flags, in the order of the model's layers (itself, then its sublayers, each once): what a saved model records.</summary>
    public IReadOnlyList<bool> Values => flags.Select(f => f.Trainable).ToArray();

    /// <summary>Sets <paramref name="values"/> (in the order of <see cref="Values"/>) on <paramref name="model"/>'s layers until the returned object is disposed.</summary>
    /// <exception cref="ArgumentException">The model has another number of layers.</exception>
    public static IDisposable Apply(Layer model, IReadOnlyList<bool> values)
    {
        var layers = Flags(model);
        if (layers.Length != values.Count)
            throw new ArgumentException($"{values.Count} trainable flags were given for the {layers.Length} layers of '{model.Name}'.", nameof(values));
        return new TrainableSnapshot(layers.Select((f, i) => (f.Item1, values[i])).ToArray()).Apply();
    }

    /// <summary>Sets the recorded flags until the returned object is disposed, which puts the flags of that moment back.</summary>
    public IDisposable Apply()
    {
        var restore = new TrainableSnapshot(flags.Select(f => (f.Layer, f.Layer.OwnTrainable)).ToArray());
        foreach (var (layer, trainable) in flags) layer.OwnTrainable = trainable;
        return new Restorer(restore);
    }

    private static (Layer Layer, bool Trainable)[] Flags(Layer model) => model.SelfAndDescendants().Distinct().Select(l => (l, l.OwnTrainable)).ToArray();

    private sealed class Restorer(TrainableSnapshot snapshot) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (layer, trainable) in snapshot.flags) layer.OwnTrainable = trainable;
        }
    }
}
