using Gan.Keras.Layers;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>A model's part in mixed precision: full-precision outputs, and the summary's policy column.</summary>
public abstract partial class Model
{
    /// <summary>
    /// Returns a model's output as the model hands it over: a float16 or bfloat16 output (layers under a mixed policy)
    /// cast to the model's variable dtype (float32), so that what feeds a loss or a caller is full precision, as Keras
    /// recommends for the last layer of a mixed-precision model. Other outputs, and those of a model whose policy stores
    /// 16-bit variables (<c>bfloat16</c>), are returned unchanged. Subclasses call it on their output.
    /// </summary>
    /// <param name="output">The last layer's output; disposed when a cast copy is returned.</param>
    protected torch.Tensor MixedPrecisionOutput(torch.Tensor output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (!DtypePolicy.IsHalf(output.dtype) || DtypePolicy.IsHalf(VariableDtype)) return output;
        using (output) return output.to(VariableDtype);
    }

    /// <summary>The policy of each layer, or null when every layer is float32 (the summary then has no policy column).</summary>
    private string[]? PolicyColumn()
    {
        var names = Layers.Select(l => l.DtypePolicy.Name).ToArray();
        return names.All(n => n == DtypePolicy.Float32.Name) ? null : names;
    }
}
