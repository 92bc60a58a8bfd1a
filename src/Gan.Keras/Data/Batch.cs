using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>One batch: features <c>[batch, ...]</c> and, for labelled data, labels <c>[batch]</c>.</summary>
/// <param name="Features">The examples.</param>
/// <param name="Labels">Integer class labels, or null for unlabelled data.</param>
public sealed record Batch(torch.Tensor Features, torch.Tensor? Labels)
{
    /// <summary>Gets the number of examples.</summary>
    public long Size => Features.shape[0];
}
