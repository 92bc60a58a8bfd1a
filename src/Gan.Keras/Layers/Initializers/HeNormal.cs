using TorchSharp;

namespace Gan.Keras.Layers.Initializers;

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
        // Redraw values beyond two standard deviations (TorchSharp 0.107's nn.init.trunc_normal_ ignores the generator and returned near-zero values).
        tensor.normal_(0, 1, generator);
        for (int round = 0; round < 100; round++)
        {
            using var outside = tensor.abs().gt(2);
            long count = outside.sum().item<long>();
            if (count == 0) break;
            using var redraw = torch.randn(new[] { count }, generator: generator);
            tensor.masked_scatter_(outside, redraw);
        }
        tensor.clamp_(-2, 2).mul_(std);
    }
}
