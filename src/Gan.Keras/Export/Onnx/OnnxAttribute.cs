using Onnx;
using static Gan.Keras.Export.Onnx.OnnxGraphBuilder;

namespace Gan.Keras.Export.Onnx;

/// <summary>An attribute of an ONNX node (<c>axis</c>, <c>kernel_shape</c>, <c>alpha</c>), for a layer's <see cref="Layers.Layer.ExportOnnx(OnnxExportContext, string)"/>.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "ONNX calls these node attributes; the name is the format's.")]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1720", Justification = "The factories are named after ONNX's attribute types (INT, FLOAT, STRING, INTS).")]
public sealed class OnnxAttribute
{
    private OnnxAttribute(AttributeProto proto) => Proto = proto;

    internal AttributeProto Proto { get; }

    /// <summary>An integer attribute.</summary>
    public static OnnxAttribute Int(string name, long value) => new(Attribute(name, value));

    /// <summary>A float attribute.</summary>
    public static OnnxAttribute Float(string name, float value) => new(Attribute(name, value));

    /// <summary>A string attribute.</summary>
    public static OnnxAttribute String(string name, string value) => new(Attribute(name, value));

    /// <summary>An integer-list attribute.</summary>
    public static OnnxAttribute Ints(string name, params long[] values) => new(Attribute(name, values));
}
