using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// Mean squared error, as Keras's <c>MeanSquaredError</c> (<c>'mse'</c>): per example <c>mean_k (y_k − ŷ_k)²</c> over the
/// last axis, then the mean over the batch.
/// </summary>
/// <remarks>The least-squares GAN (Mao et al., "Least Squares Generative Adversarial Networks", ICCV 2017) is this loss on
/// the discriminator's outputs with targets 1 and 0, as the Keras-GAN <c>lsgan</c> example compiles it.</remarks>
public sealed class MeanSquaredError : Loss
{
    /// <inheritdoc />
    protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var difference = yPred - yTrue;
        using var squares = difference.square();
        return yPred.dim() > 1 ? squares.mean(new long[] { -1 }) : squares.alias();
    }
}
