using TorchSharp;

namespace Gan.Keras.Layers.Initializers;

/// <summary>Normal distribution with Keras's defaults (mean 0, stddev 0.05). DCGAN uses stddev 0.02.</summary>
public sealed class RandomNormal : Initializer
{
    /// <summary>Initializes a new instance of the <see cref="RandomNormal"/> class.</summary>
    /// <param name="mean">Mean of the distribution.</param>
    /// <param name="stddev">Standard deviation; must be positive.</param>
    /// <param name="seed">Optional seed.</param>
    public RandomNormal(double mean = 0.0, double stddev = 0.05, long? seed = null) : base(seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(stddev);
        Mean = mean;
        Stddev = stddev;
    }

    /// <summary>Gets the mean.</summary>
    public double Mean { get; }

    /// <summary>Gets the standard deviation.</summary>
    public double Stddev { get; }

    /// <inheritdoc />
    protected override void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator) =>
        tensor.normal_(Mean, Stddev, generator); // nn.init.normal_ ignores the generator in TorchSharp 0.107
}
