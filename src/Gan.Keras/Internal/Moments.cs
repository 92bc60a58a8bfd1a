using Gan.Keras.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Internal;

/// <summary>
/// The normalisation step shared by layer and group normalisation, in libtorch and in ONNX:
/// <c>(x − mean) / √(variance + ε)</c> with the mean and the biased variance over some axes (Keras's <c>ops.moments</c>).
/// </summary>
internal static class Moments
{
    /// <summary>Normalises <paramref name="inputs"/> over <paramref name="axes"/>; returns a new tensor.</summary>
    public static torch.Tensor Normalize(torch.Tensor inputs, long[] axes, double epsilon)
    {
        using var scope = torch.NewDisposeScope();
        var mean = inputs.mean(axes, keepdim: true);
        var centred = inputs - mean;
        var variance = centred.square().mean(axes, keepdim: true);
        return (centred * (variance + epsilon).rsqrt()).MoveToOuterDisposeScope();
    }

    /// <summary>Adds the same computation to an ONNX graph (opset 17: <c>ReduceMean</c> takes its axes as an attribute).</summary>
    public static string ExportNormalize(OnnxExportContext onnx, string input, long[] axes, double epsilon)
    {
        string mean = onnx.AddNode("ReduceMean", [input], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", 1));
        string centred = onnx.AddNode("Sub", [input, mean]);
        string squares = onnx.AddNode("Mul", [centred, centred]);
        string variance = onnx.AddNode("ReduceMean", [squares], OnnxAttribute.Ints("axes", axes), OnnxAttribute.Int("keepdims", 1));
        string shifted = onnx.AddNode("Add", [variance, onnx.AddFloats("epsilon", Array.Empty<long>(), new[] { (float)epsilon })]);
        return onnx.AddNode("Div", [centred, onnx.AddNode("Sqrt", [shifted])]);
    }

    /// <summary>Multiplies by γ and adds β (each when present), broadcast by <paramref name="shape"/> (batch axis included, size 1).</summary>
    public static string ExportScaleAndOffset(OnnxExportContext onnx, string normalized, long[] shape)
    {
        string output = normalized;
        if (onnx.TryGetWeight("gamma") is { } gamma)
        {
            using var broadcast = gamma.reshape(shape);
            output = onnx.AddNode("Mul", [output, onnx.AddConstant("gamma", broadcast)]);
        }
        if (onnx.TryGetWeight("beta") is { } beta)
        {
            using var broadcast = beta.reshape(shape);
            output = onnx.AddNode("Add", [output, onnx.AddConstant("beta", broadcast)]);
        }
        return output;
    }
}
