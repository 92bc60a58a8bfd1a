namespace Gan.Keras.Layers;

/// <summary>A layer's configuration as a plain record (Keras's <c>get_config</c>); equal configs make equivalent layers.</summary>
/// <param name="Name">The layer's name, or null for an automatic one.</param>
public abstract record LayerConfig(string? Name)
{
    /// <summary>Creates a new, unbuilt layer from this configuration (Keras's <c>from_config</c>).</summary>
    public abstract Layer CreateLayer();
}
