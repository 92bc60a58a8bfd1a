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

    /// <summary>Sets the recorded flags until the returned object is disposed, which puts the flags of that moment back.</summary>
    public IDisposable Apply()
    {
        var restore = new TrainableSnapshot(flags.Select(f => (f.Layer, f.Layer.OwnTrainable)).ToArray());
        foreach (var (layer, trainable) in flags) layer.OwnTrainable = trainable;
        return new Restorer(restore);
    }

    private static (Layer, bool)[] Flags(Layer model) => model.SelfAndDescendants().Distinct().Select(l => (l, l.OwnTrainable)).ToArray();

    private sealed class Restorer(TrainableSnapshot snapshot) : IDisposable
    {
        public void Dispose()
        {
            foreach (var (layer, trainable) in snapshot.flags) layer.OwnTrainable = trainable;
        }
    }
}
