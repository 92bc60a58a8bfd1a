using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Where a <see cref="Models.GanModel"/> draws its random numbers during training: the latent vectors (normal) and
/// the interpolation coefficients of gradient penalties (uniform). The default draws from the model's seeded
/// generator; <see cref="RecordedNoiseSource"/> replays recorded draws (golden traces, tests).
/// </summary>
public abstract class NoiseSource
{
    /// <summary>Draws a new float32 CPU tensor of standard normal values, N(0, 1).</summary>
    /// <param name="shape">The shape of the draw.</param>
    public abstract torch.Tensor Normal(long[] shape);

    /// <summary>Draws a new float32 CPU tensor of uniform values in [0, 1).</summary>
    /// <param name="shape">The shape of the draw.</param>
    public abstract torch.Tensor Uniform(long[] shape);
}
