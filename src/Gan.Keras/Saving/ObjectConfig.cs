using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Internal;
using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;

namespace Gan.Keras.Saving;

/// <summary>
/// A loss, penalty, optimizer or augmentation as Keras saves a compile config (<c>{"class_name", "config"}</c>): its
/// constructor's parameters and its settable properties, read back by the constructor and the setters. Only the
/// library's own types of those kinds are written and created, by their type name (no type is loaded from a file's
/// say-so). <see cref="Write"/> rebuilds what it wrote and refuses an object that does not come back the same.
/// </summary>
internal static class ObjectConfig
{
    private static readonly Type[] Kinds = { typeof(GanLoss), typeof(Loss), typeof(GradientPenalty), typeof(Optimizer), typeof(DynamicLossScale), typeof(DiffAugment) };

    private static readonly Dictionary<string, Type> Known = typeof(ObjectConfig).Assembly.GetTypes()
        .Where(t => t.IsPublic && !t.IsAbstract && Kinds.Any(k => k.IsAssignableFrom(t)))
        .ToDictionary(t => t.Name, StringComparer.Ordinal);

    /// <summary>Writes <paramref name="value"/> (null as JSON null), checking that it reads back the same.</summary>
    /// <param name="value">The object.</param>
    /// <param name="what">What it is, for errors (<c>the loss</c>).</param>
    /// <exception cref="NotSupportedException">It is not one of the library's types, or it would not read back the same.</exception>
    public static JsonNode? Write(object? value, string what)
    {
        if (value is null) return null;
        var written = WriteObject(value, what);
        object? back;
        try { back = Read(written, what); }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException) { throw new NotSupportedException($"{what} ({value.GetType().Name}) cannot be saved: it would not read back ({ex.Message})", ex); }
        if (back is null || WriteObject(back, what).ToJsonString() != written.ToJsonString())
            throw new NotSupportedException($"{what} ({value.GetType().Name}) cannot be saved: its settings do not all read back the same from its constructor and properties");
        return written;
    }

    /// <summary>Creates the object <see cref="Write"/> wrote; null for JSON null.</summary>
    /// <exception cref="InvalidDataException">The object names an unknown type, lacks a setting it needs or holds a bad value.</exception>
    public static object? Read(JsonNode? node, string what)
    {
        if (node is null) return null;
        var obj = node as JsonObject ?? throw new InvalidDataException($"{what} is not a JSON object");
        string className = obj["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String ? c.GetValue<string>() : throw new InvalidDataException($"{what} has no 'class_name'");
        var type = Known.GetValueOrDefault(className) ?? throw new InvalidDataException($"{what} is a '{className}', which is not a loss, optimizer or augmentation of this library");
        var config = obj["config"] as JsonObject ?? throw new InvalidDataException($"{what} ({className}) has no 'config' object");
        var used = new HashSet<string>(StringComparer.Ordinal);
        var constructor = type.GetConstructors()
            .Where(k => k.GetParameters().All(p => config.ContainsKey(Key(p.Name!)) || p.HasDefaultValue))
            .OrderByDescending(k => k.GetParameters().Count(p => config.ContainsKey(Key(p.Name!))))
            .FirstOrDefault() ?? throw new InvalidDataException($"{what} ({className}) lacks settings its constructor needs");
        object? instance;
        try
        {
            var args = constructor.GetParameters().Select(p =>
            {
                string key = Key(p.Name!);
                if (!config.TryGetPropertyValue(key, out var v)) return p.DefaultValue;
                used.Add(key);
                return Value(v, p.ParameterType, $"{what} '{key}'");
            }).ToArray();
            instance = constructor.Invoke(args);
            foreach (var (key, v) in config)
            {
                if (used.Contains(key)) continue;
                var property = Settable(type).FirstOrDefault(p => Key(p.Name) == key)
                    ?? throw new InvalidDataException($"{what} ({className}) has no setting '{key}'");
                property.SetValue(instance, Value(v, property.PropertyType, $"{what} '{key}'"));
            }
        }
        catch (TargetInvocationException ex) when (ex.InnerException is ArgumentException or InvalidOperationException)
        {
            throw new InvalidDataException($"{what} ({className}) is not valid: {ex.InnerException.Message}", ex.InnerException);
        }
        return instance;
    }

    private static JsonObject WriteObject(object value, string what)
    {
        var type = value.GetType();
        if (!Known.TryGetValue(type.Name, out var known) || known != type)
            throw new NotSupportedException($"{what} is a {type.Name}, which a saved GAN cannot name (only the library's losses, penalties, optimizers and augmentations can be saved)");
        var config = new JsonObject();
        var constructor = type.GetConstructors().OrderByDescending(k => k.GetParameters().Count(p => Property(type, p.Name!) is not null)).First();
        foreach (var parameter in constructor.GetParameters())
            if (Property(type, parameter.Name!) is { } property)
            {
                var current = property.GetValue(value);
                // A list of names the constructor takes as one comma-separated string (DiffAugment's policy).
                if (parameter.ParameterType == typeof(string) && current is IEnumerable<string> names) current = string.Join(",", names);
                config[Key(parameter.Name!)] = WriteValue(current, $"{what} '{Key(parameter.Name!)}'");
            }
        foreach (var property in Settable(type))
            if (!config.ContainsKey(Key(property.Name))) config[Key(property.Name)] = WriteValue(property.GetValue(value), $"{what} '{Key(property.Name)}'");
        return new JsonObject { ["class_name"] = type.Name, ["config"] = config };
    }

    private static JsonNode? WriteValue(object? value, string what) => value switch
    {
        null => null,
        bool b => JsonValue.Create(b),
        int i => JsonValue.Create(i),
        long l => JsonValue.Create(l),
        double d => JsonValue.Create(d),
        string s => JsonValue.Create(s),
        Enum e => JsonValue.Create(e.ToString()),
        _ => WriteObject(value, what),
    };

    private static object? Value(JsonNode? node, Type type, string what)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (node is null) return underlying is not null || !type.IsValueType ? null : throw new InvalidDataException($"{what} is null");
        type = underlying ?? type;
        try
        {
            if (type == typeof(bool)) return node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? node.GetValue<bool>() : throw new InvalidDataException($"{what} is not true or false");
            if (type == typeof(int) || type == typeof(long) || type == typeof(double))
            {
                if (node.GetValueKind() != JsonValueKind.Number) throw new InvalidDataException($"{what} is not a number");
                if (type == typeof(int)) return node.GetValue<int>();
                if (type == typeof(long)) return node.GetValue<long>();
                return node.GetValue<double>();
            }
            if (type == typeof(string)) return node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw new InvalidDataException($"{what} is not a string");
            if (type.IsEnum)
            {
                string text = node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : throw new InvalidDataException($"{what} is not a string");
                return Enum.TryParse(type, text, ignoreCase: false, out var parsed) && Enum.IsDefined(type, parsed!) ? parsed : throw new InvalidDataException($"{what} '{text}' is not one of {string.Join(", ", Enum.GetNames(type))}");
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException)
        {
            throw new InvalidDataException($"{what} is not valid ({ex.Message})", ex);
        }
        var read = Read(node, what);
        return read is null || type.IsInstanceOfType(read) ? read : throw new InvalidDataException($"{what} is a {read.GetType().Name}, not a {type.Name}");
    }

    private static PropertyInfo? Property(Type type, string parameter) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).FirstOrDefault(p => string.Equals(p.Name, parameter, StringComparison.OrdinalIgnoreCase) && p.GetMethod is not null);

    /// <summary>Public properties with a public setter (or init), whose type can be saved.</summary>
    private static IEnumerable<PropertyInfo> Settable(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.SetMethod is { IsPublic: true } && p.GetMethod is { IsPublic: true } && p.GetIndexParameters().Length == 0
            && (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) is var t && (t.IsPrimitive || t.IsEnum || t == typeof(string) || t == typeof(double) || Kinds.Any(k => k.IsAssignableFrom(t))));

    private static string Key(string name) => Shapes.SnakeCase(name);
}
