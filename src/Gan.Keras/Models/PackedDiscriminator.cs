using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// PacGAN packing (Lin et al., "PacGAN: The power of two samples in generative adversarial networks", NeurIPS 2018):
/// the discriminator judges <c>m</c> samples at once — all real or all generated — by concatenating them into one input,
/// which penalises a generator whose samples lack diversity. Wraps an inner discriminator built for <c>m · d</c> inputs;
/// a batch of <c>n</c> samples gives <c>n / m</c> scores, so the batch size must be a multiple of <c>m</c>.
/// </summary>
public sealed class PackedDiscriminator : Model
{
    private readonly Sequential inner;
    private readonly int pack;

    /// <summary>Initializes a new instance of the <see cref="PackedDiscriminator"/> class.</summary>
    /// <param name="inner">The discriminator that judges one pack: built for <c>pack · features</c> flat inputs.</param>
    /// <param name="pack">Samples per decision (m); 1 is an ordinary discriminator.</param>
    public PackedDiscriminator(Sequential inner, int pack) : base("discriminator")
    {
        ArgumentNullException.ThrowIfNull(inner);
        ArgumentOutOfRangeException.ThrowIfLessThan(pack, 1);
        this.inner = inner;
        this.pack = pack;
        RegisterComponents();
    }

    /// <summary>Gets the samples per decision (m).</summary>
    public int Pack => pack;

    /// <summary>Scores packs of <see cref="Pack"/> consecutive samples: <c>[n, ...]</c> → <c>[n / m, 1]</c>.</summary>
    /// <exception cref="ArgumentException">The batch size is not a multiple of <see cref="Pack"/>.</exception>
    public override torch.Tensor Call(torch.Tensor inputs, bool training = false)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.shape[0] % pack != 0)
            throw new ArgumentException($"A PacGAN{pack} discriminator needs a batch size that is a multiple of {pack}, but got {inputs.shape[0]}.", nameof(inputs));
        using var packed = inputs.reshape(inputs.shape[0] / pack, -1);
        return inner.Call(packed, training);
    }

    /// <inheritdoc />
    public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => new long[] { 1 };

    // The inner model is built for the packed width already; running it on one example (the default) cannot pack.
    /// <inheritdoc />
    protected override void BuildWeights(IReadOnlyList<long> inputShape)
    {
    }
}
