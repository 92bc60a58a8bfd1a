using Gan.Keras.Losses;
using TorchSharp;

namespace Gan.Keras.Parity;

/// <summary>
/// Binary cross-entropy on probabilities computed the way TensorFlow.js Layers does (its <c>bce_impl</c>):
/// <c>p = clip(p, ε, 1−ε)</c>, <c>x = log(p/(1−p))</c>, <c>ℓ = max(x,0) − x·y + log1p(e^−|x|)</c>, mean over the last axis.
/// Equal to <see cref="BinaryCrossentropy"/> in exact arithmetic; used to replay TensorFlow.js traces float for float.
/// </summary>
public sealed class TfjsBinaryCrossentropy : Loss
{
    /// <summary>Initializes a new instance of the <see cref="TfjsBinaryCrossentropy"/> class.</summary>
    /// <param name="epsilon">The clipping bound (TensorFlow.js's backend epsilon, 1e-7).</param>
    public TfjsBinaryCrossentropy(double epsilon = 1e-7) => Epsilon = epsilon;

    /// <summary>Gets the clipping bound.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        var p = yPred.clamp((float)Epsilon, (float)(1 - Epsilon));
        var x = (p / (1 - p)).log();
        var elementwise = x.clamp_min(0) - x * yTrue + (-x.abs()).exp().log1p();
        return elementwise.mean(new long[] { -1 }).MoveToOuterDisposeScope();
    }
}
