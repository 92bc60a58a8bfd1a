using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Adds zero-mean Gaussian noise with standard deviation <c>stddev</c> during training, as Keras's
/// <c>GaussianNoise</c>; identity at inference. A classic discriminator regulariser ("instance noise").
/// </summary>
/// <remarks>Sønderby et al., "Amortised MAP Inference for Image Super-resolution", ICLR 2017 (instance noise for GANs).</remarks>
public sealed class GaussianNoise : Layer
{
    private readonly torch.Generator? generator;

    /// <summary>Initializes a new instance of the <see cref="GaussianNoise"/> class.</summary>
    /// <param name="stddev">Standard deviation of the noise; non-negative.</param>
    /// <param name="seed">Seed of the layer's own noise stream; the global torch generator when null.</param>
    /// <param name="name">Layer name.</param>
    public GaussianNoise(double stddev, long? seed = null, string? name = null) : base(name)
    {
        if (!(stddev >= 0) || double.IsInfinity(stddev))
            throw new ArgumentOutOfRangeException(nameof(stddev), stddev, "stddev must be a non-negative, finite number.");
        Stddev = stddev;
        Seed = seed;
        if (seed is { } s) generator = new torch.Generator((ulong)s, torch.CPU);
    }

    /// <summary>Gets the noise's standard deviation.</summary>
    public double Stddev { get; }

    /// <summary>Gets the seed of the layer's noise stream, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new GaussianNoiseConfig(Stddev, Seed, ConfigName);

    /// <inheritdoc />
    /// <remarks>Inference mode: the identity.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => input;

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        if (!training || Stddev == 0) return inputs.alias();
        using var noise = torch.randn(inputs.shape, inputs.dtype, generator: generator);
        using var scaled = noise.mul_(Stddev);
        using var onDevice = scaled.to(inputs.device);
        return inputs + onDevice;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) generator?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Configuration of a <see cref="GaussianNoise"/> layer.</summary>
/// <param name="Stddev">Standard deviation.</param>
/// <param name="Seed">Seed, or null.</param>
/// <param name="Name">Layer name.</param>
public sealed record GaussianNoiseConfig(double Stddev, long? Seed, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new GaussianNoise(Stddev, Seed, Name);
}
