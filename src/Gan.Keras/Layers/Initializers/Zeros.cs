using TorchSharp;

namespace Gan.Keras.Layers.Initializers;

/// <summary>All zeros. Keras's default bias initializer.</summary>
public sealed class Zeros : Initializer
{
    /// <summary>Initializes a new instance of the <see cref="Zeros"/> class.</summary>
    public Zeros() : base(null) { }

    /// <inheritdoc />
    protected override void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator) => tensor.zero_();
}
