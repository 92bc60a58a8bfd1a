namespace Gan.Keras.Saving;

/// <summary><c>GanModel.Save</c> and <c>GanModel.Load</c>: both networks, the generator's inputs, the weight average, the loss and optimizers and their state in one <see cref="KerasArchive"/>.</summary>
internal static class GanFile
{
    /// <summary>The <c>format</c> metadata of a saved GAN.</summary>
    public const string Format = "gan-keras.gan.v1";
}
