using TorchSharp;

namespace Gan.Keras.Layers.Initializers;

/// <summary>Glorot (Xavier) uniform: U(−limit, limit) with limit = √(6 / (fan_in + fan_out)). Keras's default kernel initializer.</summary>
/// <remarks>Glorot &amp; Bengio, "Understanding the difficulty of training deep feedforward neural networks", AISTATS 2010.</remarks>
public sealed class GlorotUniform : Initializer
{
    /// <summary>Initializes a new instance of the <see cref="GlorotUniform"/> class.</summary>
    public GlorotUniform(long? seed = null) : base(seed) { }

    /// <inheritdoc />
    protected override void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator)
    {
        double limit = Math.Sqrt(6.0 / Math.Max(1, fanIn + fanOut));
        // Tensor.uniform_ honours the generator; TorchSharp 0.107's nn.init.uniform_ ignores it.
        tensor.uniform_(-limit, limit, generator);
    }
}
