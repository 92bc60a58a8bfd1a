namespace Gan.Keras.Export.Onnx;

/// <summary>
/// Thrown when a generator cannot be exported to ONNX: a layer without a conversion (a custom <see cref="Layers.Layer"/>
/// subclass, or a subclassed <see cref="Models.Model"/> whose <c>Call</c> is C# code). It is thrown while the graph is
/// built in memory, before any file is written.
/// </summary>
public sealed class OnnxExportException : NotSupportedException
{
    /// <summary>Initializes a new instance of the <see cref="OnnxExportException"/> class.</summary>
    /// <param name="message">What cannot be exported and what to do instead.</param>
    /// <param name="layerName">The layer's name within its model.</param>
    /// <param name="layerType">The layer's .NET type name.</param>
    public OnnxExportException(string message, string layerName, string layerType) : base(message)
    {
        LayerName = layerName;
        LayerType = layerType;
    }

    /// <summary>Gets the name of the layer that cannot be exported.</summary>
    public string LayerName { get; }

    /// <summary>Gets the .NET type name of the layer that cannot be exported.</summary>
    public string LayerType { get; }
}
