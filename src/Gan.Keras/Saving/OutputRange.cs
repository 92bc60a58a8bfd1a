using Gan.Keras.Layers;
using Gan.Keras.Models;

namespace Gan.Keras.Saving;

/// <summary>
/// Infers the range of a generator's samples from its last activation: <c>tanh</c> gives [−1, 1], <c>sigmoid</c> [0, 1].
/// Layers that only move or pick values (reshapes, crops, padding, nearest upsampling, pooling, dropout) are looked
/// through to the layer before them.
/// </summary>
internal static class OutputRange
{
    private static readonly Type[] RangeKeeping =
    {
        typeof(Reshape), typeof(Flatten), typeof(Cropping2D), typeof(ZeroPadding2D), typeof(UpSampling2D), typeof(MaxPooling2D),
        typeof(AveragePooling2D), typeof(Dropout), typeof(GaussianNoise),
    };

    /// <summary>The range of <paramref name="model"/>'s (first) output, or null when its last activation does not bound it.</summary>
    public static (double Low, double High)? Infer(Layer model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return Last(model, depth: 0);
    }

    private static (double Low, double High)? Last(Layer layer, int depth)
    {
        if (depth > 64) return null;
        switch (layer)
        {
            case Sequential sequential:
                foreach (var inner in sequential.Layers.Reverse())
                {
                    if (RangeKeeping.Contains(inner.GetType())) continue;
                    return Last(inner, depth + 1);
                }
                return null;
            case Functional functional:
                var tensor = functional.Outputs[0];
                while (RangeKeeping.Contains(tensor.Layer.GetType()) && tensor.Node.Inputs.Count == 1) tensor = tensor.Node.Inputs[0];
                return tensor.Layer is InputLayer ? null : Last(tensor.Layer, depth + 1);
            default:
                LayerConfig config;
                try { config = layer.GetConfig(); }
                catch (Exception ex) when (ex is NotSupportedException or InvalidOperationException) { return null; }
                string? activation = config.GetType().GetProperty("Activation")?.GetValue(config) as string;
                return activation switch
                {
                    "tanh" => (-1, 1),
                    "sigmoid" => (0, 1),
                    _ => null,
                };
        }
    }
}
