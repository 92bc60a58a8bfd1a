using Gan.Keras.Export.Onnx;
using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Layers;

/// <summary>
/// Flips each NCHW image left–right and/or top–bottom with probability ½ during training, as Keras's <c>RandomFlip</c>;
/// the identity at inference and in an ONNX export.
/// </summary>
/// <remarks><c>"horizontal"</c> flips left–right (the width axis), <c>"vertical"</c> top–bottom (the height axis),
/// <c>"horizontal_and_vertical"</c> (Keras's default) both, each decided independently per image.</remarks>
public sealed class RandomFlip : Layer
{
    private readonly torch.Generator? generator;

    /// <summary>Initializes a new instance of the <see cref="RandomFlip"/> class.</summary>
    /// <param name="mode"><c>"horizontal"</c>, <c>"vertical"</c> or <c>"horizontal_and_vertical"</c> (Keras's default).</param>
    /// <param name="seed">Seed of the layer's own random stream; the global torch generator when null.</param>
    /// <param name="name">Layer name.</param>
    public RandomFlip(string mode = "horizontal_and_vertical", long? seed = null, string? name = null) : base(name)
    {
        ArgumentNullException.ThrowIfNull(mode);
        string lower = mode.ToLowerInvariant();
        if (lower is not ("horizontal" or "vertical" or "horizontal_and_vertical"))
            throw new ArgumentException($"mode must be \"horizontal\", \"vertical\" or \"horizontal_and_vertical\", but got \"{mode}\".", nameof(mode));
        Mode = lower;
        Seed = seed;
        if (seed is { } s) generator = new torch.Generator((ulong)s, torch.CPU);
    }

    /// <summary>Gets the mode: <c>"horizontal"</c>, <c>"vertical"</c> or <c>"horizontal_and_vertical"</c>.</summary>
    public string Mode { get; }

    /// <summary>Gets the seed of the layer's random stream, or null.</summary>
    public long? Seed { get; }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape.ToArray();

    /// <inheritdoc />
    public override LayerConfig GetConfig() => new RandomFlipConfig(Mode, Seed, ConfigName);

    /// <inheritdoc />
    /// <remarks>Inference mode: the identity.</remarks>
    protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => input;

    /// <inheritdoc />
    protected override void ValidateInputShape(IReadOnlyList<long> inputShape) => ImageInputs.Require(this, inputShape);

    /// <inheritdoc />
    protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
    {
        if (!training) return inputs.alias();
        using var scope = torch.NewDisposeScope();
        var output = inputs;
        if (Mode != "vertical") output = FlipSome(output, 3);
        if (Mode != "horizontal") output = FlipSome(output, 2);
        return output.MoveToOuterDisposeScope();
    }

    /// <summary>Flips each image along <paramref name="axis"/> with probability ½.</summary>
    private torch.Tensor FlipSome(torch.Tensor images, long axis)
    {
        using var draws = torch.rand(new[] { images.shape[0] }, torch.float32, generator: generator);
        var flip = (draws < 0.5f).to(images.device).reshape(images.shape[0], 1, 1, 1);
        return torch.where(flip, images.flip(axis), images);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) generator?.Dispose();
        base.Dispose(disposing);
    }
}

/// <summary>Configuration of a <see cref="RandomFlip"/> layer.</summary>
/// <param name="Mode">The flip mode.</param>
/// <param name="Seed">Seed, or null.</param>
/// <param name="Name">Layer name.</param>
public sealed record RandomFlipConfig(string Mode, long? Seed, string? Name) : LayerConfig(Name)
{
    /// <inheritdoc />
    public override Layer CreateLayer() => new RandomFlip(Mode, Seed, Name);
}
