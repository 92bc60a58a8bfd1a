using Gan.Keras.Layers;
using Xunit;

namespace Gan.Keras.Tests.Layers;

/// <summary>Checks every layer on NCHW images shares: it names what is wrong with a shape before any computation.</summary>
internal static class ImageLayerChecks
{
    /// <summary>
    /// Asserts that <paramref name="layer"/> (named <c>probe</c>) refuses a null shape and a null ONNX context with
    /// <see cref="ArgumentNullException"/>s naming the argument, and a flat per-example shape with an
    /// <see cref="IncompatibleInputException"/> that names the layer and the expected NCHW layout.
    /// </summary>
    public static void RefusesNullAndFlatShapes(Layer layer)
    {
        Assert.Equal("probe", layer.Name);
        Assert.Equal("inputShape", Assert.Throws<ArgumentNullException>(() => layer.ComputeOutputShape((IReadOnlyList<long>)null!)).ParamName);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => layer.ExportOnnx(null!, "x")).ParamName);
        var error = Assert.Throws<IncompatibleInputException>(() => layer.ComputeOutputShape(new long[] { 784 }));
        Assert.Contains($"Layer 'probe' ({layer.GetType().Name}) expects images [batch, channels, height, width] (NCHW)", error.Message, StringComparison.Ordinal);
    }
}
