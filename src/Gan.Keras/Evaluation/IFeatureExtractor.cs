using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// Turns images into the activations image metrics compare (features for Fréchet, kernel and precision/recall
/// distances; logits for the classifier score and class coverage). The distances never know which network made them.
/// </summary>
public interface IFeatureExtractor
{
    /// <summary>Gets a name for reports, e.g. <c>mnist-cnn</c>.</summary>
    string Name { get; }

    /// <summary>Computes features <c>[n, d]</c> and class logits <c>[n, classes]</c> for a batch of images, without gradients.</summary>
    /// <param name="images">Images in the layout and range the extractor expects (for MNIST: <c>[n, 784]</c> or <c>[n, 1, 28, 28]</c> in [−1, 1]).</param>
    /// <returns>New CPU tensors owned by the caller.</returns>
    (torch.Tensor Features, torch.Tensor Logits) Extract(torch.Tensor images);
}
