using TorchSharp;

namespace Gan.Keras.Layers.Initializers;

/// <summary>Uniform distribution U(minval, maxval) with Keras's defaults (−0.05, 0.05); Keras's default for <c>Embedding</c>.</summary>
public sealed class RandomUniform : Initializer
{
    /// <summary>Initializes a new instance of the <see cref="RandomUniform"/> class.</summary>
    /// <param name="minval">Lower bound.</param>
    /// <param name="maxval">Upper bound; greater than <paramref name="minval"/>.</param>
    /// <param name="seed">Optional seed.</param>
    public RandomUniform(double minval = -0.05, double maxval = 0.05, long? seed = null) : base(seed)
    {
        if (!(maxval > minval))
            throw new ArgumentOutOfRangeException(nameof(maxval), maxval, $"maxval must be greater than minval ({minval}).");
        Minval = minval;
        Maxval = maxval;
    }

    /// <summary>Gets the lower bound.</summary>
    public double Minval { get; }

    /// <summary>Gets the upper bound.</summary>
    public double Maxval { get; }

    /// <inheritdoc />
    protected override void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator) =>
        tensor.uniform_(Minval, Maxval, generator); // Tensor.uniform_ honours the generator; TorchSharp 0.107's nn.init.uniform_ ignores it.
}
