using Gan.Keras.Layers;

namespace Gan.Keras.Internal;

/// <summary>The one check of image layers (padding, cropping, pooling, resizing, augmentation): NCHW images.</summary>
internal static class ImageInputs
{
    /// <summary>Throws unless <paramref name="inputShape"/> is a per-example image shape <c>[channels, height, width]</c>.</summary>
    /// <param name="layer">The layer, named in the message.</param>
    /// <param name="inputShape">The per-example input shape.</param>
    /// <exception cref="IncompatibleInputException">The shape is not three-dimensional.</exception>
    public static void Require(Layer layer, IReadOnlyList<long> inputShape)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        if (inputShape.Count == 3) return;
        string fix = inputShape.Count == 1
            ? "Add a Reshape([channels, height, width]) before it (e.g. [1, 28, 28] for MNIST)."
            : "Keras's channels-last (h, w, c) is (c, h, w) here.";
        throw new IncompatibleInputException(
            $"Layer '{layer.DisplayName}' ({layer.GetType().Name}) expects images [batch, channels, height, width] (NCHW), but received {Shapes.FormatWithBatch(inputShape)}. {fix}",
            new long[] { -1, -1, -1 }, inputShape);
    }
}
