using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras;

/// <summary>Keras's <c>keras.utils</c> helpers that ported scripts call on their data.</summary>
public static class Utils
{
    /// <summary>
    /// Turns integer class labels into one-hot rows, as Keras's <c>keras.utils.to_categorical(y, num_classes)</c>:
    /// labels of shape <c>[...]</c> become float32 <c>[..., numClasses]</c> with a 1 at each label's index. A trailing axis
    /// of size 1 (<c>[batch, 1]</c>) is dropped first, as Keras does.
    /// </summary>
    /// <param name="labels">Integer labels (any integer type, or whole numbers stored as floats), each in [0, <paramref name="numClasses"/>).</param>
    /// <param name="numClasses">The number of classes; the largest label + 1 when null (one host read).</param>
    /// <returns>A new float32 tensor on the labels' device.</returns>
    /// <exception cref="ArgumentException">A label is negative, not whole, or not below <paramref name="numClasses"/>.</exception>
    public static torch.Tensor ToCategorical(torch.Tensor labels, long? numClasses = null)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (numClasses is { } n) ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n, nameof(numClasses));
        using var scope = torch.NewDisposeScope();
        var y = labels.dim() > 1 && labels.shape[^1] == 1 ? labels.squeeze(-1) : labels;
        if (y.numel() == 0) return torch.zeros(y.shape.Append(numClasses ?? 0).ToArray(), torch.float32, y.device).MoveToOuterDisposeScope();
        if (torch.is_floating_point(y) && !(y == y.floor()).all().item<bool>())
            throw new ArgumentException($"ToCategorical needs whole-number labels, but labels of shape {Shapes.Format(labels.shape)} hold fractions.", nameof(labels));
        var indices = y.to(torch.int64);
        long smallest = indices.min().item<long>();
        long largest = indices.max().item<long>();
        long classes = numClasses ?? largest + 1;
        if (smallest < 0 || largest >= classes)
            throw new ArgumentException(
                $"ToCategorical needs labels in [0, {classes}), but received {(smallest < 0 ? smallest : largest)}. " +
                (numClasses is null ? "Labels must be non-negative." : $"Pass numClasses: {largest + 1} or more, or check the labels."), nameof(labels));
        return torch.nn.functional.one_hot(indices, classes).to(torch.float32).MoveToOuterDisposeScope();
    }
}
