using TorchSharp;

namespace Gan.Keras.Layers.Initializers;

/// <summary>All ones (Keras's default for BatchNormalization's gamma).</summary>
public sealed class Ones : Initializer
{
    /// <summary>Initializes a new instance of the <see cref="Ones"/> class.</summary>
    public Ones() : base(null) { }

    /// <inheritdoc />
    protected override void Fill(torch.Tensor tensor, long fanIn, long fanOut, torch.Generator? generator) => tensor.fill_(1.0f);
}
