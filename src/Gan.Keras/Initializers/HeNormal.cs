using TorchSharp;

namespace Gan.Keras.Initializers;

/// <summary>
/// He normal, as Keras defines it: a normal truncated at two standard deviations, with
/// stddev = √(2 / fan_in) / 0.87962566103423978 (the correction for truncation).
/// </summary>
/// <remarks>He et al., "Delving Deep into Rectifiers", ICCV 2015.</remarks>
public sealed class HeNormal : Initializer
{
    private const double TruncationCorrection = 0.87962566103423978;

    /// <summary>Initializes a new instance of the <see cref="HeNormal"/> class.</summary>
    public HeNormal(long? seed = null) : base(seed) { }

    /// <inheritdoc />
    protected override void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator)
    {
        double std = Math.Sqrt(2.0 / Math.Max(1, fanIn)) / TruncationCorrection;
        torch.nn.init.trunc_normal_(tensor, 0, std, -2 * std, 2 * std, generator);
    }
}
