using TorchSharp;

namespace Gan.Keras.Layers.Initializers;

/// <summary>
/// Creates initial weight values, as Keras's initializers do. An initializer with an explicit seed returns the same
/// values every time it is called (Keras 3 behaviour); one without a seed draws from the global torch generator,
/// which <see cref="RandomSeed.Set"/> makes reproducible.
/// </summary>
public abstract class Initializer
{
    /// <summary>Initializes a new instance of the <see cref="Initializer"/> class.</summary>
    /// <param name="seed">Optional seed; with one, every call returns the same values.</param>
    protected Initializer(long? seed) => Seed = seed;

    /// <summary>Gets the seed, or null to draw from the global generator.</summary>
    public long? Seed { get; }

    /// <summary>Creates a float32 tensor of the given shape.</summary>
    /// <param name="shape">The weight's shape.</param>
    /// <param name="fanIn">Number of input units feeding each output (Keras's fan_in).</param>
    /// <param name="fanOut">Number of output units (Keras's fan_out).</param>
    public torch.Tensor Create(long[] shape, long fanIn, long fanOut)
    {
        ArgumentNullException.ThrowIfNull(shape);
        using var noGrad = torch.no_grad();
        var tensor = torch.empty(shape, torch.float32);
        using var generator = Seed is { } seed ? new torch.Generator((ulong)seed, torch.CPU) : null;
        Fill(tensor, fanIn, fanOut, generator);
        return tensor;
    }

    /// <summary>Fills <paramref name="tensor"/> in place.</summary>
    protected abstract void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator);

    /// <summary>Computes Keras's (fan_in, fan_out) for a Keras-layout shape: <c>[in, out]</c> or <c>[kh, kw, in, out]</c>.</summary>
    public static (long FanIn, long FanOut) ComputeFans(IReadOnlyList<long> shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Count switch
        {
            0 => (1, 1),
            1 => (shape[0], shape[0]),
            2 => (shape[0], shape[1]),
            _ => ComputeReceptiveFans(shape),
        };
    }

    private static (long, long) ComputeReceptiveFans(IReadOnlyList<long> shape)
    {
        long receptive = 1;
        for (int i = 0; i < shape.Count - 2; i++) receptive *= shape[i];
        return (shape[^2] * receptive, shape[^1] * receptive);
    }
}
