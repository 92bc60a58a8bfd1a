using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// Mean absolute error, as Keras's <c>MeanAbsoluteError</c> (<c>'mae'</c>): per example <c>mean_k |y_k − ŷ_k|</c> over the
/// last axis, then the mean over the batch.
/// </summary>
/// <remarks>The L1 reconstruction term of CycleGAN's cycle-consistency and identity losses (Zhu et al., ICCV 2017, eq. 2),
/// as keras-io's <c>cyclegan</c> example uses it.</remarks>
public sealed class MeanAbsoluteError : Loss
{
    /// <inheritdoc />
    protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var difference = yPred - yTrue;
        using var absolute = difference.abs();
        return yPred.dim() > 1 ? absolute.mean(new long[] { -1 }) : absolute.alias();
    }
}
