using Gan.Keras.Layers;

namespace Gan.Keras.Saving;

/// <summary>
/// The layer types a saved model may hold, by the name its file gives them, as Keras's
/// <c>@keras.saving.register_keras_serializable(package, name)</c>. Every built-in layer is registered under its Keras
/// class name (<c>Dense</c>); register a custom layer before saving or loading a model that uses it.
/// </summary>
/// <example><code>
/// SerializableLayers.Register&lt;Scale, ScaleConfig&gt;("MyProject");   // saved as "MyProject&gt;Scale"
/// model.Save("generator.keras");
/// var copy = Model.Load("generator.keras");
/// </code></example>
/// <remarks>
/// A configuration record is saved as its constructor's parameters, one snake-case key each (<c>UseBias</c> →
/// <c>use_bias</c>), with tuples as arrays; so a custom layer needs only a positional record whose
/// <see cref="LayerConfig.CreateLayer"/> makes the layer.
/// </remarks>
public static class SerializableLayers
{
    /// <summary>The Keras module built-in layers are saved under.</summary>
    internal const string LayersModule = "keras.layers";

    private static readonly object Gate = new();
    private static readonly Dictionary<string, Entry> ByName = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, Entry> ByConfig = BuiltIns(ByName);

    /// <summary>Registers the built-in layers in <paramref name="byName"/> and returns them by configuration type (run once, by the field initializer).</summary>
    private static Dictionary<Type, Entry> BuiltIns(Dictionary<string, Entry> byName)
    {
        var byConfig = new Dictionary<Type, Entry>();
        // Built-in layers: each Layers.X with its sealed record Layers.XConfig (one file each; no central list to keep).
        var assembly = typeof(Layer).Assembly;
        foreach (var config in assembly.GetTypes().Where(t => t.Namespace == typeof(Layer).Namespace && t.IsSealed && typeof(LayerConfig).IsAssignableFrom(t) && t.Name.EndsWith("Config", StringComparison.Ordinal)))
        {
            string className = config.Name[..^"Config".Length];
            if (assembly.GetType($"{typeof(Layer).Namespace}.{className}") is not { } layer || !typeof(Layer).IsAssignableFrom(layer) || layer == typeof(InputLayer)) continue;
            // A Lambda's configuration is C# code: no file can hold it.
            if (config.GetConstructors().Any(c => c.GetParameters().Any(p => typeof(Delegate).IsAssignableFrom(p.ParameterType)))) continue;
            var entry = new Entry(className, LayersModule, null, config, layer);
            byName[entry.Key] = entry;
            byConfig[config] = entry;
        }
        return byConfig;
    }

    /// <summary>
    /// Registers a custom layer and its configuration record under <c>package&gt;name</c> (Keras's
    /// <c>register_keras_serializable</c>), so that models holding it can be saved and loaded.
    /// </summary>
    /// <typeparam name="TLayer">The layer type.</typeparam>
    /// <typeparam name="TConfig">Its configuration: a positional record whose <see cref="LayerConfig.CreateLayer"/> makes the layer.</typeparam>
    /// <param name="package">The package part of the registered name (Keras's default is <c>Custom</c>).</param>
    /// <param name="name">The name part; by default the layer's type name.</param>
    /// <exception cref="ArgumentException">The name is taken by another layer, or <typeparamref name="TConfig"/> is already registered under another name, or its parameters have no matching properties.</exception>
    public static void Register<TLayer, TConfig>(string package = "Custom", string? name = null)
        where TLayer : Layer
        where TConfig : LayerConfig
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(package);
        if (name is not null) ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (package.Contains('>', StringComparison.Ordinal)) throw new ArgumentException($"The package '{package}' must not contain '>' (it separates package and name).", nameof(package));
        ConfigCodec.CheckSerializable(typeof(TConfig));
        string className = name ?? typeof(TLayer).Name;
        var entry = new Entry(className, typeof(TLayer).Namespace ?? package, $"{package}>{className}", typeof(TConfig), typeof(TLayer));
        lock (Gate)
        {
            if (ByName.TryGetValue(entry.Key, out var existing) && existing.ConfigType != typeof(TConfig))
                throw new ArgumentException($"'{entry.Key}' is already registered for {existing.LayerType.Name} ({existing.ConfigType.Name}); choose another package or name.", nameof(name));
            if (ByConfig.TryGetValue(typeof(TConfig), out var other) && other.Key != entry.Key)
                throw new ArgumentException($"{typeof(TConfig).Name} is already registered as '{other.Key}'.", nameof(name));
            Add(entry);
        }
    }

    /// <summary>Gets a value indicating whether a layer type is registered under <paramref name="registeredName"/> (<c>Dense</c>, <c>Custom&gt;Scale</c>).</summary>
    public static bool IsRegistered(string registeredName)
    {
        ArgumentNullException.ThrowIfNull(registeredName);
        lock (Gate) return ByName.ContainsKey(registeredName);
    }

    /// <summary>Gets the Keras class names of the built-in layers.</summary>
    internal static IReadOnlyList<string> BuiltInNames
    {
        get
        {
            lock (Gate) return ByName.Values.Where(e => e.RegisteredName is null).Select(e => e.ClassName).Order(StringComparer.Ordinal).ToArray();
        }
    }

    /// <summary>The registration of a configuration type, or null.</summary>
    internal static Entry? ForConfig(Type configType)
    {
        lock (Gate) return ByConfig.GetValueOrDefault(configType);
    }

    /// <summary>The registration under a saved name: the registered name when there is one, else the Keras class name.</summary>
    internal static Entry? Find(string key)
    {
        lock (Gate) return ByName.GetValueOrDefault(key);
    }

    private static void Add(Entry entry)
    {
        ByName[entry.Key] = entry;
        ByConfig[entry.ConfigType] = entry;
    }

    /// <summary>One registered layer type.</summary>
    /// <param name="ClassName">The Keras <c>class_name</c>.</param>
    /// <param name="Module">The Keras <c>module</c>.</param>
    /// <param name="RegisteredName">The <c>registered_name</c> (<c>package&gt;name</c>) of a custom layer, or null for a built-in one.</param>
    /// <param name="ConfigType">The configuration record.</param>
    /// <param name="LayerType">The layer.</param>
    internal sealed record Entry(string ClassName, string Module, string? RegisteredName, Type ConfigType, Type LayerType)
    {
        /// <summary>Gets the name the registry finds the entry by.</summary>
        public string Key => RegisteredName ?? ClassName;
    }
}
