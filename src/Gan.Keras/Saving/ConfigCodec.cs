using System.Collections;
using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Internal;
using Gan.Keras.Layers;

namespace Gan.Keras.Saving;

/// <summary>
/// Turns a layer's configuration record into the <c>config</c> object of Keras's JSON and back: each parameter of the
/// record's constructor is one snake-case key (<c>UseBias</c> → <c>use_bias</c>), tuples such as a kernel size are
/// arrays (<c>[3, 3]</c>), a wrapped layer's configuration is a nested Keras object. One rule for every record, so a
/// custom layer's configuration needs no code of its own to be saved.
/// </summary>
internal static class ConfigCodec
{
    /// <summary>Writes the constructor parameters of <paramref name="config"/> into <paramref name="into"/>.</summary>
    /// <param name="config">The record.</param>
    /// <param name="into">The Keras <c>config</c> object being written.</param>
    /// <param name="nested">Writes a nested layer configuration (a wrapped layer) as a Keras object.</param>
    /// <exception cref="NotSupportedException">A parameter holds a value JSON cannot carry (a delegate: C# code).</exception>
    public static void Write(LayerConfig config, JsonObject into, Func<LayerConfig, JsonNode> nested)
    {
        var type = config.GetType();
        foreach (var parameter in Constructor(type).GetParameters())
        {
            var property = type.GetProperty(parameter.Name!, BindingFlags.Public | BindingFlags.Instance)
                ?? throw new NotSupportedException($"{type.Name} has no public property for its constructor parameter '{parameter.Name}'; a saved configuration is the record's constructor parameters.");
            into[Key(parameter)] = WriteValue(property.GetValue(config), parameter.ParameterType, $"{type.Name}.{parameter.Name}", nested);
        }
    }

    /// <summary>Creates a record of <paramref name="type"/> from a Keras <c>config</c> object.</summary>
    /// <param name="type">The record type.</param>
    /// <param name="config">The Keras <c>config</c> object.</param>
    /// <param name="nested">Reads a nested Keras object (a wrapped layer) into its configuration.</param>
    /// <exception cref="InvalidDataException">A key is missing, or a value does not have its parameter's type; the message names the key.</exception>
    public static LayerConfig Read(Type type, JsonObject config, Func<JsonNode, LayerConfig> nested)
    {
        var parameters = Constructor(type).GetParameters();
        var values = new object?[parameters.Length];
        for (int i = 0; i < parameters.Length; i++)
        {
            string key = Key(parameters[i]);
            if (!config.TryGetPropertyValue(key, out var node))
            {
                if (!parameters[i].HasDefaultValue) throw new InvalidDataException($"its config has no '{key}'");
                values[i] = parameters[i].DefaultValue;
                continue;
            }
            values[i] = ReadValue(node, parameters[i].ParameterType, key, nested);
        }
        try
        {
            return (LayerConfig)Constructor(type).Invoke(values);
        }
        catch (TargetInvocationException ex) when (ex.InnerException is not null)
        {
            throw new InvalidDataException($"its config is not valid ({ex.InnerException.Message})", ex.InnerException);
        }
    }

    /// <summary>Checks that <paramref name="type"/> can be written and read: a record whose constructor parameters all have public properties.</summary>
    public static void CheckSerializable(Type type)
    {
        var constructor = Constructor(type);
        foreach (var parameter in constructor.GetParameters())
            if (type.GetProperty(parameter.Name!, BindingFlags.Public | BindingFlags.Instance) is null)
                throw new ArgumentException($"{type.Name} cannot be saved: its constructor parameter '{parameter.Name}' has no public property of the same name (declare the configuration as a positional record).", nameof(type));
    }

    private static string Key(ParameterInfo parameter) => Shapes.SnakeCase(parameter.Name!);

    /// <summary>The record's primary constructor: the public one with the most parameters (a record also has a copy constructor, which is protected).</summary>
    private static ConstructorInfo Constructor(Type type) =>
        type.GetConstructors(BindingFlags.Public | BindingFlags.Instance).OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new ArgumentException($"{type.Name} has no public constructor, so it cannot be read back from a saved file.", nameof(type));

    private static JsonNode? WriteValue(object? value, Type type, string what, Func<LayerConfig, JsonNode> nested)
    {
        if (value is null) return null;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        switch (value)
        {
            case string s: return JsonValue.Create(s);
            case bool b: return JsonValue.Create(b);
            case int i: return JsonValue.Create(i);
            case long l: return JsonValue.Create(l);
            case float f: return JsonValue.Create(f);
            case double d: return JsonValue.Create(d);
            case Enum e: return JsonValue.Create(e.ToString());
            case LayerConfig config: return nested(config);
            case Delegate:
                throw new NotSupportedException($"{what} is C# code (a delegate), which a saved file cannot hold");
            case ITuple tuple when IsValueTuple(underlying):
                var items = underlying.GetGenericArguments();
                return new JsonArray(Enumerable.Range(0, tuple.Length).Select(k => WriteValue(tuple[k], items[k], what, nested)).ToArray());
            case IEnumerable sequence:
                var element = ElementType(underlying) ?? typeof(object);
                return new JsonArray(sequence.Cast<object?>().Select(v => WriteValue(v, element, what, nested)).ToArray());
            default:
                throw new NotSupportedException($"{what} has type {value.GetType().Name}, which a saved configuration cannot hold (use numbers, strings, booleans, tuples, arrays or layer configurations)");
        }
    }

    private static object? ReadValue(JsonNode? node, Type type, string key, Func<JsonNode, LayerConfig> nested)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (node is null)
        {
            if (underlying is not null || !type.IsValueType) return null;
            throw new InvalidDataException($"its config '{key}' is null, but must be {Describe(type)}");
        }
        type = underlying ?? type;
        try
        {
            if (type == typeof(string)) return Scalar(node, JsonValueKind.String, key, type).GetValue<string>();
            if (type == typeof(bool)) return node.GetValueKind() is JsonValueKind.True or JsonValueKind.False ? node.GetValue<bool>() : throw Wrong(node, key, type);
            if (type == typeof(int)) return Scalar(node, JsonValueKind.Number, key, type).GetValue<int>();
            if (type == typeof(long)) return Scalar(node, JsonValueKind.Number, key, type).GetValue<long>();
            if (type == typeof(float)) return Scalar(node, JsonValueKind.Number, key, type).GetValue<float>();
            if (type == typeof(double)) return Scalar(node, JsonValueKind.Number, key, type).GetValue<double>();
            if (type.IsEnum)
            {
                string text = Scalar(node, JsonValueKind.String, key, type).GetValue<string>();
                return Enum.TryParse(type, text, ignoreCase: true, out var parsed) && Enum.IsDefined(type, parsed!) ? parsed
                    : throw new InvalidDataException($"its config '{key}' is '{text}', not one of {string.Join(", ", Enum.GetNames(type))}");
            }
            if (typeof(LayerConfig).IsAssignableFrom(type)) return nested(node);
            if (IsValueTuple(type))
            {
                var items = type.GetGenericArguments();
                var array = node as JsonArray ?? throw Wrong(node, key, type);
                if (array.Count != items.Length) throw new InvalidDataException($"its config '{key}' has {array.Count} values, but must have {items.Length}");
                return Activator.CreateInstance(type, items.Select((t, k) => ReadValue(array[k], t, $"{key}[{k}]", nested)).ToArray());
            }
            if (ElementType(type) is { } element && (type.IsArray || type.IsAssignableFrom(element.MakeArrayType())))
            {
                var array = node as JsonArray ?? throw Wrong(node, key, type);
                var result = Array.CreateInstance(element, array.Count);
                for (int k = 0; k < array.Count; k++) result.SetValue(ReadValue(array[k], element, $"{key}[{k}]", nested), k);
                return result;
            }
        }
        catch (Exception ex) when (ex is FormatException or InvalidOperationException or OverflowException)
        {
            throw new InvalidDataException($"its config '{key}' is not {Describe(type)} ({ex.Message})", ex);
        }
        throw new InvalidDataException($"its config '{key}' has type {type.Name}, which a saved configuration cannot hold");
    }

    private static JsonNode Scalar(JsonNode node, JsonValueKind kind, string key, Type type) =>
        node.GetValueKind() == kind ? node : throw Wrong(node, key, type);

    private static InvalidDataException Wrong(JsonNode node, string key, Type type) =>
        new($"its config '{key}' is {node.GetValueKind().ToString().ToLowerInvariant()} {Abbreviate(node.ToJsonString())}, but must be {Describe(type)}");

    private static string Abbreviate(string json) => json.Length <= 40 ? json : json[..40] + "...";

    private static string Describe(Type type) => type switch
    {
        _ when type == typeof(string) => "a string",
        _ when type == typeof(bool) => "true or false",
        _ when type == typeof(int) || type == typeof(long) => "an integer",
        _ when type == typeof(float) || type == typeof(double) => "a number",
        _ when IsValueTuple(type) => string.Create(CultureInfo.InvariantCulture, $"an array of {type.GetGenericArguments().Length} values"),
        _ when typeof(LayerConfig).IsAssignableFrom(type) => "a layer",
        _ => "an array",
    };

    private static bool IsValueTuple(Type type) =>
        type.IsGenericType && type.IsValueType && type.FullName!.StartsWith("System.ValueTuple`", StringComparison.Ordinal);

    private static Type? ElementType(Type type)
    {
        if (type.IsArray) return type.GetElementType();
        if (type == typeof(string)) return null;
        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>) ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}
