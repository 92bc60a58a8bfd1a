using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Internal;
using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;

namespace Gan.Keras.Saving;

/// <summary>
/// A loss, penalty, optimizer, metric or augmentation as Keras saves a compile config (<c>{"class_name", "config"}</c>): its
/// constructor's parameters and its settable properties, read back by the constructor and the setters. Only the
/// library's own types of those kinds are written and created, by their type name (no type is loaded from a file's
/// say-so). <see cref="Write"/> rebuilds what it wrote and refuses an object that does not come back the same.
/// </summary>
internal static class ObjectConfig
{
    private static readonly Type[] Kinds = { typeof(GanLoss), typeof(Loss), typeof(GradientPenalty), typeof(Optimizer), typeof(DynamicLossScale), typeof(DiffAugment), typeof(Metrics.MeanMetricWrapper) };

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
        var type = value.GetType();
        // Each constructor whose parameters are all properties, the most informative first: the first that rebuilds the
        // object with every setting equal (private ones too: NonSaturatingLoss remembers which constructor made it) wins.
        string? problem = null;
        foreach (var constructor in Writable(type))
        {
            var written = WriteObject(value, what, constructor);
            object? back;
            try { back = Read(written, what); }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException)
            {
                problem = ex.Message;
                continue;
            }
            if (back is not null && WriteObject(back, what, constructor).ToJsonString() == written.ToJsonString() && SameSettings(value, back)) return written;
            problem = "its settings do not all read back the same from its constructor and properties";
        }
        throw new NotSupportedException($"{what} ({type.Name}) cannot be saved: {problem ?? "no public constructor takes only its properties"}");
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

    /// <summary>The public constructors whose every parameter is a readable property or has a default (then left to it), most properties first.</summary>
    private static IEnumerable<ConstructorInfo> Writable(Type type) =>
        type.GetConstructors().Where(k => k.GetParameters().All(p => Property(type, p.Name!) is not null || p.HasDefaultValue))
            .OrderByDescending(k => k.GetParameters().Count(p => Property(type, p.Name!) is not null))
            .ThenBy(k => k.GetParameters().Length);

    /// <summary>
    /// Whether two objects of a settings-only kind (losses, penalties, augmentations) have equal fields, private ones
    /// included, recursively. Optimizers and loss scales also hold state, which the saved tensors restore: only their
    /// written settings are compared.
    /// </summary>
    private static bool SameSettings(object a, object b)
    {
        if (a.GetType() != b.GetType()) return false;
        if (a is Optimizer or DynamicLossScale) return true;
        for (var t = a.GetType(); t is not null && t != typeof(object); t = t.BaseType)
            foreach (var field in t.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
            {
                object? x = field.GetValue(a), y = field.GetValue(b);
                if (x is null || y is null)
                {
                    if (x is null != y is null) return false;
                    continue;
                }
                bool same = x switch
                {
                    double d => BitConverter.DoubleToInt64Bits(d) == BitConverter.DoubleToInt64Bits((double)y),
                    string or bool or int or long or Enum => x.Equals(y),
                    IEnumerable<string> s => s.SequenceEqual((IEnumerable<string>)y),
                    _ when Kinds.Any(k => k.IsInstanceOfType(x)) => SameSettings(x, y),
                    _ => true,
                };
                if (!same) return false;
            }
        return true;
    }

    private static JsonObject WriteObject(object value, string what, ConstructorInfo? constructor = null)
    {
        var type = value.GetType();
        if (!Known.TryGetValue(type.Name, out var known) || known != type)
            throw new NotSupportedException($"{what} is a {type.Name}, which a saved file cannot name (only the library's losses, penalties, optimizers, metrics and augmentations can be saved)");
        var config = new JsonObject();
        constructor ??= Writable(type).FirstOrDefault()
            ?? throw new NotSupportedException($"{what} ({type.Name}) cannot be saved: no public constructor takes only its properties");
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
