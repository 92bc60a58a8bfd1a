using TorchSharp;

namespace Gan.Keras.Internal;

/// <summary>Checks that GAN losses receive one discriminator score per example.</summary>
internal static class DiscriminatorOutputs
{
    /// <summary>Throws unless <paramref name="output"/> is <c>[batch]</c> or <c>[batch, 1]</c> with a non-empty batch.</summary>
    public static void Check(torch.Tensor output, string parameterName, string lossName)
    {
        ArgumentNullException.ThrowIfNull(output, parameterName);
        bool oneScore = output.dim() == 1 || (output.dim() == 2 && output.shape[1] == 1);
        if (!oneScore || output.shape[0] == 0)
            throw new ArgumentException(
                $"{lossName}: {parameterName} has shape {Shapes.Format(output.shape)}, but a GAN loss needs one discriminator score per example, " +
                "shape [batch] or [batch, 1] with batch > 0. End the discriminator with Dense(1) (no activation for logit-based losses).",
                parameterName);
    }
}
