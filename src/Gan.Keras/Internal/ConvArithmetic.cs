namespace Gan.Keras.Internal;

/// <summary>Keras's (TensorFlow's) convolution shape arithmetic for <c>padding = "same" | "valid"</c>.</summary>
internal static class ConvArithmetic
{
    /// <summary>Normalizes and checks a Keras padding name.</summary>
    public static string Padding(string padding, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(padding, parameterName);
        string lower = padding.ToLowerInvariant();
        if (lower is not ("same" or "valid"))
            throw new ArgumentException($"padding must be \"same\" or \"valid\" (as in Keras), but got \"{padding}\".", parameterName);
        return lower;
    }

    /// <summary>Output length of a convolution: <c>ceil(in / s)</c> for "same", <c>floor((in − k) / s) + 1</c> for "valid".</summary>
    public static long ConvOutputLength(long input, int kernel, int stride, string padding) =>
        padding == "same" ? (input + stride - 1) / stride : (input - kernel) / stride + 1;

    /// <summary>
    /// TensorFlow's "same" padding of a convolution: total <c>max((out − 1)·s + k − in, 0)</c>, the smaller half before
    /// (top/left) and the larger after (bottom/right).
    /// </summary>
    public static (long Before, long After) SamePadding(long input, int kernel, int stride)
    {
        long output = (input + stride - 1) / stride;
        long total = Math.Max((output - 1) * stride + kernel - input, 0);
        return (total / 2, total - total / 2);
    }

    /// <summary>Keras's <c>deconv_output_length</c>: the output length of a transposed convolution.</summary>
    public static long DeconvOutputLength(long input, int kernel, int stride, string padding, int? outputPadding)
    {
        if (outputPadding is null)
            return padding == "valid" ? input * stride + Math.Max(kernel - stride, 0) : input * stride;
        long pad = padding == "same" ? kernel / 2 : 0;
        return (input - 1) * stride + kernel - 2 * pad + outputPadding.Value;
    }

    /// <summary>
    /// How many leading elements of the full transposed convolution (length <c>(in − 1)·s + k</c>) TensorFlow drops:
    /// the "before" padding of the forward convolution that maps the output back to the input.
    /// </summary>
    public static long DeconvCropBefore(long input, int kernel, int stride, string padding, long output) =>
        padding == "same" ? Math.Max((input - 1) * stride + kernel - output, 0) / 2 : 0;
}
