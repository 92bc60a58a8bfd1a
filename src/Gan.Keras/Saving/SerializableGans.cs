using System.Reflection;
using Gan.Keras.Models;

namespace Gan.Keras.Saving;

/// <summary>
/// The <see cref="GanModel"/> types a saved GAN may be, by the name its file gives them, as Keras's
/// <c>@keras.saving.register_keras_serializable</c> for a subclassed model with its own <c>train_step</c>.
/// <see cref="GanModel"/> and <see cref="ConditionalGanModel"/> are built in; register a subclass before saving or
/// loading it, with the function that makes it from its saved parts.
/// </summary>
/// <example><code>
/// SerializableGans.Register(p => new MyGan(p.Generator, p.Discriminator, p.GeneratorInputs, p.Seed), "MyProject");
/// gan.Save("gan.keras");                     // class_name "MyGan", registered_name "MyProject&gt;MyGan"
/// using var copy = GanModel.Load("gan.keras");
/// </code></example>
/// <remarks>
/// The file holds the networks, the generator's inputs and the compile config; the subclass's overrides are C# code, so
/// loading it needs the registration. A program without that code (the <c>gan</c> CLI) can still sample and export
/// it when the subclass leaves the generator's path (<c>GeneratorCall</c>, its ONNX graph) to a built-in class: the
/// file names that class (<c>sampled_as</c>), and <see cref="Training.Runs.SavedGan.Open"/> opens it as one for
/// sampling, never to continue training.
/// </remarks>
public static class SerializableGans
{
    /// <summary>The module built-in GAN types are saved under.</summary>
    internal const string ModelsModule = "gan_keras.models";

    private static readonly object Gate = new();
    private static readonly Dictionary<string, Entry> ByName = new(StringComparer.Ordinal);
    private static readonly Dictionary<Type, Entry> ByType = BuiltIns(ByName);

    private static Dictionary<Type, Entry> BuiltIns(Dictionary<string, Entry> byName)
    {
        var byType = new Dictionary<Type, Entry>();
        foreach (var entry in new[]
        {
            new Entry(nameof(GanModel), ModelsModule, null, typeof(GanModel), p => new GanModel(p.Generator, p.Discriminator, p.GeneratorInputs, p.Seed)),
            new Entry(nameof(ConditionalGanModel), ModelsModule, null, typeof(ConditionalGanModel), CreateConditional),
        })
        {
            byName[entry.Key] = entry;
            byType[entry.GanType] = entry;
        }
        return byType;
    }

    /// <summary>
    /// Registers a subclass of <see cref="GanModel"/> under <c>package&gt;name</c>, with the function that makes it from
    /// the parts a file holds (the rebuilt networks, the generator's inputs and the seed); the loss, optimizers, weights
    /// and training state are restored on the made GAN afterwards, as for a <see cref="GanModel"/>.
    /// </summary>
    /// <typeparam name="TGan">The subclass.</typeparam>
    /// <param name="create">Makes the subclass from the saved parts (it owns the networks it is given).</param>
    /// <param name="package">The package part of the registered name (Keras's default is <c>Custom</c>).</param>
    /// <param name="name">The name part; by default the type's name.</param>
    /// <exception cref="ArgumentException">The name is taken by another type, or the type is already registered under another name.</exception>
    public static void Register<TGan>(Func<GanParts, TGan> create, string package = "Custom", string? name = null)
        where TGan : GanModel
    {
        ArgumentNullException.ThrowIfNull(create);
        ArgumentException.ThrowIfNullOrWhiteSpace(package);
        if (name is not null) ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (package.Contains('>', StringComparison.Ordinal)) throw new ArgumentException($"The package '{package}' must not contain '>' (it separates package and name).", nameof(package));
        string className = name ?? typeof(TGan).Name;
        var entry = new Entry(className, typeof(TGan).Namespace ?? package, $"{package}>{className}", typeof(TGan), create);
        lock (Gate)
        {
            if (ByType.TryGetValue(typeof(TGan), out var other) && other.Key != entry.Key)
                throw new ArgumentException($"{typeof(TGan).Name} is already registered as '{other.Key}'.", nameof(name));
            if (ByName.TryGetValue(entry.Key, out var existing) && existing.GanType != typeof(TGan))
                throw new ArgumentException($"'{entry.Key}' is already registered for {existing.GanType.Name}; choose another package or name.", nameof(name));
            ByName[entry.Key] = entry;
            ByType[entry.GanType] = entry;
        }
    }

    /// <summary>Gets a value indicating whether a GAN type is registered under <paramref name="registeredName"/> (<c>GanModel</c>, <c>Custom&gt;MyGan</c>).</summary>
    public static bool IsRegistered(string registeredName)
    {
        ArgumentNullException.ThrowIfNull(registeredName);
        lock (Gate) return ByName.ContainsKey(registeredName);
    }

    /// <summary>The registration of a GAN type, or null.</summary>
    internal static Entry? ForType(Type ganType)
    {
        lock (Gate) return ByType.GetValueOrDefault(ganType);
    }

    /// <summary>The registration under a saved name: the registered name when there is one, else the class name.</summary>
    internal static Entry? Find(string key)
    {
        lock (Gate) return ByName.GetValueOrDefault(key);
    }

    /// <summary>
    /// The built-in class whose generator path <paramref name="ganType"/> uses unchanged (it overrides neither
    /// <c>GeneratorCall</c> nor its ONNX graph below that class), or null when it changes the path itself.
    /// </summary>
    internal static Entry? SamplingClass(Type ganType)
    {
        for (var type = ganType; type is not null && typeof(GanModel).IsAssignableFrom(type); type = type.BaseType)
        {
            if (ForType(type) is { RegisteredName: null } builtIn) return builtIn;
            if (DeclaresGeneratorPath(type)) return null;
        }
        return null;
    }

    private static bool DeclaresGeneratorPath(Type type) =>
        type.GetMethods(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly)
            .Any(m => m.Name is "GeneratorCall" or "ExportGeneratorGraph");

    private static ConditionalGanModel CreateConditional(GanParts parts)
    {
        if (parts.GeneratorInputs is not [LatentInput latent, LabelsInput labels])
            throw new InvalidDataException($"a ConditionalGanModel's generator inputs are a latent vector and labels, not {LatentBatch.Describe(parts.GeneratorInputs)}");
        return new ConditionalGanModel(parts.Generator, parts.Discriminator, latent.Dim, labels.NumClasses, parts.Seed);
    }

    /// <summary>One registered GAN type.</summary>
    /// <param name="ClassName">The saved <c>class_name</c>.</param>
    /// <param name="Module">The saved <c>module</c>.</param>
    /// <param name="RegisteredName">The <c>registered_name</c> (<c>package&gt;name</c>) of a registered subclass, or null for a built-in type.</param>
    /// <param name="GanType">The type.</param>
    /// <param name="Create">Makes the GAN from its saved parts.</param>
    internal sealed record Entry(string ClassName, string Module, string? RegisteredName, Type GanType, Func<GanParts, GanModel> Create)
    {
        /// <summary>Gets the name the registry finds the entry by.</summary>
        public string Key => RegisteredName ?? ClassName;
    }
}
