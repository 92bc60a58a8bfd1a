using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Saving;

/// <summary>
/// A model's architecture as Keras 3 writes it in a <c>.keras</c> file's <c>config.json</c>
/// (<c>keras/src/saving/serialization_lib.py</c>, <c>models/functional.py</c>): every layer is
/// <c>{"module", "class_name", "config", "registered_name", "build_config"}</c>; a <c>Sequential</c> lists its layers
/// after an <c>InputLayer</c>; a <c>Functional</c> lists each layer with its <c>inbound_nodes</c> (the symbolic tensors
/// of each call, <c>__keras_tensor__</c> objects whose <c>keras_history</c> is <c>[layer, node, index]</c>) and names its
/// <c>input_layers</c> and <c>output_layers</c> the same way. Nested models are layers whose config is a model's.
/// </summary>
internal static class KerasJson
{
    private const string SequentialClass = "Sequential";
    private const string FunctionalClass = "Functional";
    private const string InputLayerClass = "InputLayer";
    private const string ModelsModule = "keras";

    /// <summary>Writes <paramref name="layer"/> (a model or a layer) as a Keras object.</summary>
    /// <exception cref="NotSupportedException">A layer cannot be saved (a subclassed model, a Lambda, an unregistered custom layer); the message names it and the fix.</exception>
    public static JsonObject Serialize(Layer layer)
    {
        ArgumentNullException.ThrowIfNull(layer);
        return layer switch
        {
            Sequential sequential => SerializeSequential(sequential),
            Functional functional when functional.GetType() == typeof(Functional) => SerializeFunctional(functional),
            Functional functional => throw new NotSupportedException(
                $"Model '{functional.Name}' is a {functional.GetType().Name}, a subclass of Functional, which a saved file cannot name; save a plain Functional built from the same inputs and outputs."),
            Model model => throw new NotSupportedException(
                $"Model '{model.Name}' ({model.GetType().Name}) is a subclassed Model whose Call is C# code, which a saved file cannot hold; build it as a Functional or Sequential model, or save only its weights."),
            InputLayer input => SerializeInput(input),
            _ => SerializeLeaf(layer),
        };
    }

    /// <summary>Creates a model or layer from a Keras object written by <see cref="Serialize"/>, not yet loaded with weights.</summary>
    /// <exception cref="InvalidDataException">The object is malformed or names an unknown layer type; the message says which layer and key (without the file, which the caller adds).</exception>
    public static Layer Deserialize(JsonNode? node)
    {
        var reader = new Reader();
        try
        {
            var layer = reader.Layer(node, "the model");
            reader.ApplyTrainable(layer);
            return layer;
        }
        catch
        {
            // Layers made before the failure hold weights: release them now, not at garbage collection.
            foreach (var made in reader.Created.AsEnumerable().Reverse()) made.Dispose();
            throw;
        }
    }

    /// <summary>The Keras name of an element type (<c>float32</c>, <c>int64</c>).</summary>
    public static string DTypeName(torch.ScalarType type) => type switch
    {
        torch.ScalarType.Float32 => "float32",
        torch.ScalarType.Float64 => "float64",
        torch.ScalarType.Float16 => "float16",
        torch.ScalarType.BFloat16 => "bfloat16",
        torch.ScalarType.Int64 => "int64",
        torch.ScalarType.Int32 => "int32",
        torch.ScalarType.Int16 => "int16",
        torch.ScalarType.Int8 => "int8",
        torch.ScalarType.Byte => "uint8",
        torch.ScalarType.Bool => "bool",
        _ => type.ToString().ToLowerInvariant(),
    };

    /// <summary>The element type of a Keras dtype name.</summary>
    /// <exception cref="InvalidDataException">The name is not one <see cref="DTypeName"/> writes.</exception>
    public static torch.ScalarType ParseDType(string name) =>
        Enum.GetValues<torch.ScalarType>().Where(t => DTypeName(t) == name).Select(t => (torch.ScalarType?)t).FirstOrDefault()
            ?? throw new InvalidDataException($"dtype '{name}' is not one of float32, float64, float16, bfloat16, int64, int32, int16, int8, uint8, bool");

    private static JsonObject SerializeSequential(Sequential model)
    {
        var layers = new JsonArray();
        if (model.Built && model.InputShapes is { Count: 1 } shapes) layers.Add(InputObject(shapes[0], torch.ScalarType.Float32, $"{model.Name}_input"));
        foreach (var layer in model.Layers) layers.Add(Serialize(layer));
        var config = CommonConfig(model);
        config["layers"] = layers;
        return KerasObject(ModelsModule, SequentialClass, null, config, model);
    }

    private static JsonObject SerializeFunctional(Functional model)
    {
        var nodes = new HashSet<Node>(model.Nodes);
        var layers = new JsonArray();
        foreach (var layer in model.Layers)
        {
            var entry = Serialize(layer);
            entry["name"] = layer.Name;
            var calls = new JsonArray();
            if (layer is not InputLayer)
                foreach (var node in layer.InboundNodes.Where(nodes.Contains))
                {
                    var tensors = node.Inputs.Select(t => (JsonNode)TensorObject(t, nodes)).ToArray();
                    JsonNode args = tensors.Length == 1 ? tensors[0] : new JsonArray(tensors);
                    calls.Add(new JsonObject { ["args"] = new JsonArray(args), ["kwargs"] = new JsonObject() });
                }
            entry["inbound_nodes"] = calls;
            layers.Add(entry);
        }
        var config = CommonConfig(model);
        config["layers"] = layers;
        config["input_layers"] = new JsonArray(model.Inputs.Select(t => (JsonNode)History(t, nodes)).ToArray());
        config["output_layers"] = new JsonArray(model.Outputs.Select(t => (JsonNode)History(t, nodes)).ToArray());
        var result = KerasObject(ModelsModule, FunctionalClass, null, config, model);
        result.Remove("build_config");
        return result;
    }

    private static JsonObject SerializeInput(InputLayer input) => InputObject(input.Shape, input.DType, input.Name);

    private static JsonObject SerializeLeaf(Layer layer)
    {
        if (layer is Lambda)
            throw new NotSupportedException(
                $"Layer '{layer.DisplayName}' (Lambda) cannot be saved: its function is C# code, which a saved file cannot hold. Replace it with a built-in layer or a registered custom layer (SerializableLayers.Register), as Keras refuses to load a Lambda's code by default.");
        var layerConfig = layer.GetConfig();
        var entry = SerializableLayers.ForConfig(layerConfig.GetType())
            ?? throw new NotSupportedException(
                $"Layer '{layer.DisplayName}' ({layer.GetType().Name}) is not registered for saving; register it first: SerializableLayers.Register<{layer.GetType().Name}, {layerConfig.GetType().Name}>(\"Custom\") (Keras's register_keras_serializable).");
        var config = CommonConfig(layer);
        try
        {
            ConfigCodec.Write(layerConfig, config, Nested);
        }
        catch (NotSupportedException ex)
        {
            throw new NotSupportedException(
                $"Layer '{layer.DisplayName}' ({layer.GetType().Name}) cannot be saved: {ex.Message}. Give its configuration record numbers, strings, booleans, tuples, arrays or layer configurations only.", ex);
        }
        config["name"] = layer.DisplayName;
        return KerasObject(entry.Module, entry.ClassName, entry.RegisteredName, config, layer);
    }

    /// <summary>A configuration inside a configuration (the layer a <see cref="SpectralNormalization"/> wraps): module, class name and config.</summary>
    private static JsonObject Nested(LayerConfig layerConfig)
    {
        var entry = SerializableLayers.ForConfig(layerConfig.GetType())
            ?? throw new NotSupportedException($"{layerConfig.GetType().Name} is not registered for saving (SerializableLayers.Register)");
        var config = new JsonObject();
        ConfigCodec.Write(layerConfig, config, Nested);
        return new JsonObject { ["module"] = entry.Module, ["class_name"] = entry.ClassName, ["config"] = config, ["registered_name"] = entry.RegisteredName };
    }

    private static JsonObject CommonConfig(Layer layer) => new()
    {
        ["name"] = layer.DisplayName,
        ["trainable"] = layer.Trainable,
        ["dtype"] = new JsonObject
        {
            ["module"] = "keras",
            ["class_name"] = "DTypePolicy",
            ["config"] = new JsonObject { ["name"] = layer.DtypePolicy.Name },
            ["registered_name"] = null,
        },
    };

    private static JsonObject KerasObject(string module, string className, string? registeredName, JsonObject config, Layer layer)
    {
        var result = new JsonObject
        {
            ["module"] = module,
            ["class_name"] = className,
            ["config"] = config,
            ["registered_name"] = registeredName,
        };
        if (layer.Built && layer.InputShapes is { } shapes)
            result["build_config"] = new JsonObject { ["input_shape"] = shapes.Count == 1 ? BatchShape(shapes[0]) : new JsonArray(shapes.Select(s => (JsonNode)BatchShape(s)).ToArray()) };
        return result;
    }

    private static JsonObject InputObject(IReadOnlyList<long> shape, torch.ScalarType dtype, string name) => new()
    {
        ["module"] = SerializableLayers.LayersModule,
        ["class_name"] = InputLayerClass,
        ["config"] = new JsonObject { ["batch_shape"] = BatchShape(shape), ["dtype"] = DTypeName(dtype), ["sparse"] = false, ["name"] = name },
        ["registered_name"] = null,
    };

    private static JsonObject TensorObject(KerasTensor tensor, HashSet<Node> nodes) => new()
    {
        ["class_name"] = "__keras_tensor__",
        ["config"] = new JsonObject { ["shape"] = BatchShape(tensor.Shape), ["dtype"] = DTypeName(tensor.DType), ["keras_history"] = History(tensor, nodes) },
    };

    /// <summary><c>[layer, node, index]</c>, the node counted among this model's calls of the layer (Keras's relative node index).</summary>
    private static JsonArray History(KerasTensor tensor, HashSet<Node> nodes) =>
        new(tensor.Layer.Name, tensor.Layer.InboundNodes.Where(nodes.Contains).ToList().IndexOf(tensor.Node), tensor.Index);

    private static JsonArray BatchShape(IReadOnlyList<long> shape) => new(shape.Select(d => (JsonNode?)d).Prepend(null).ToArray());

    /// <summary>Reads one model's objects, remembering each layer's saved <c>trainable</c> to set once the whole tree exists.</summary>
    private sealed class Reader
    {
        private readonly Dictionary<Layer, bool> trainable = new(ReferenceEqualityComparer.Instance);

        /// <summary>Gets every layer and model made so far, in order.</summary>
        public List<Layer> Created { get; } = new();

        public Layer Layer(JsonNode? node, string where)
        {
            var obj = node as JsonObject ?? throw new InvalidDataException($"{where} is not a JSON object");
            string className = String(obj, "class_name", where);
            string? registeredName = obj["registered_name"] is JsonValue r ? String(obj, "registered_name", where) : null;
            var config = obj["config"] as JsonObject ?? throw new InvalidDataException($"{where} ({className}) has no 'config' object");
            string name = config["name"] is JsonValue ? String(config, "name", where) : className;
            string here = $"layer '{name}' ({registeredName ?? className})";
            try
            {
                // An InputLayer's 'dtype' is its tensor's element type, not a policy.
                var policy = className == InputLayerClass ? null : Policy(config);
                Layer layer = (registeredName ?? className) switch
                {
                    SequentialClass => ReadSequential(obj, config, name, policy),
                    FunctionalClass => ReadFunctional(config, name, policy),
                    InputLayerClass => ReadInput(config, name),
                    _ => ReadLeaf(config, className, registeredName, policy),
                };
                if (config["trainable"] is JsonValue t)
                {
                    var kind = t.GetValueKind();
                    if (kind is not (JsonValueKind.True or JsonValueKind.False)) throw new InvalidDataException("its config 'trainable' is not true or false");
                    trainable[layer] = kind == JsonValueKind.True;
                }
                return layer;
            }
            catch (SavedLayerException)
            {
                throw;
            }
            catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException or FormatException or OverflowException or IncompatibleInputException)
            {
                throw new SavedLayerException($"{here}: {ex.Message}", ex);
            }
        }

        public void ApplyTrainable(Layer layer)
        {
            // Top down: setting a model's Trainable sets its sublayers', which then get their own saved values.
            if (trainable.TryGetValue(layer, out bool value)) layer.Trainable = value;
            foreach (var sub in layer.SubLayers) ApplyTrainable(sub);
        }

        private Sequential ReadSequential(JsonObject obj, JsonObject config, string name, DtypePolicy? policy)
        {
            var entries = Array(config, "layers");
            IReadOnlyList<long>? inputShape = null;
            var layers = new List<Layer>();
            foreach (var entry in entries)
            {
                if (entry is JsonObject { } e && e["class_name"] is JsonValue c && c.GetValueKind() == JsonValueKind.String && c.GetValue<string>() == InputLayerClass && layers.Count == 0 && inputShape is null)
                {
                    inputShape = Shape(e["config"]?["batch_shape"], "InputLayer 'batch_shape'");
                    continue;
                }
                layers.Add(Layer(entry, $"layer {layers.Count} of '{name}'"));
            }
            if (inputShape is null && obj["build_config"]?["input_shape"] is { } built) inputShape = Shape(built, "'build_config' 'input_shape'");
            var model = new Sequential(layers, name: name);
            Created.Add(model);
            if (policy is not null) model.DtypePolicy = policy;
            if (inputShape is not null) model.Build(inputShape);
            return model;
        }

        private Functional ReadFunctional(JsonObject config, string name, DtypePolicy? policy)
        {
            var entries = Array(config, "layers").Select((e, i) =>
            {
                var layer = Layer(e, $"layer {i} of '{name}'");
                var calls = e!["inbound_nodes"] is JsonArray a ? a : layer is InputLayer ? new JsonArray() : throw new SavedLayerException($"layer '{layer.Name}' of '{name}' has no 'inbound_nodes' array");
                return (Layer: layer, Calls: calls);
            }).ToArray();
            var byName = new Dictionary<string, Layer>(StringComparer.Ordinal);
            foreach (var (layer, _) in entries)
                if (!byName.TryAdd(layer.Name, layer)) throw new InvalidDataException($"it lists two layers named '{layer.Name}'");
            var tensors = new Dictionary<(string, int, int), KerasTensor>();
            foreach (var (layer, _) in entries)
                if (layer is InputLayer input) tensors[(input.Name, 0, 0)] = input.Output;
            var done = new Dictionary<Layer, int>(ReferenceEqualityComparer.Instance);
            foreach (var (layer, _) in entries) done[layer] = 0;
            int remaining = entries.Sum(e => e.Calls.Count);
            // A layer's calls are replayed in their saved order; each waits until the tensors it reads are computed.
            while (remaining > 0)
            {
                bool progressed = false;
                foreach (var (layer, calls) in entries)
                {
                    int call = done[layer];
                    if (call >= calls.Count) continue;
                    var inputs = CallInputs(calls[call], layer.Name);
                    if (!inputs.All(tensors.ContainsKey)) continue;
                    var outputs = layer.CallOutputs(inputs.Select(k => tensors[k]).ToArray());
                    for (int i = 0; i < outputs.Count; i++) tensors[(layer.Name, call, i)] = outputs[i];
                    done[layer] = call + 1;
                    remaining--;
                    progressed = true;
                }
                if (!progressed)
                    throw new InvalidDataException($"its layer calls read tensors that no call computes ({string.Join(", ", entries.Where(e => done[e.Layer] < e.Calls.Count).Select(e => $"'{e.Layer.Name}'"))})");
            }
            KerasTensor Find(JsonNode? reference, string what)
            {
                var key = HistoryKey(reference, what);
                return tensors.TryGetValue(key, out var t) ? t : throw new InvalidDataException($"its {what} {Format(key)} is computed by no layer call");
            }
            var modelInputs = Array(config, "input_layers").Select(r => Find(r, "input_layers entry")).ToArray();
            var modelOutputs = Array(config, "output_layers").Select(r => Find(r, "output_layers entry")).ToArray();
            // The model takes the global policy when constructed, and is built at once: its saved policy is made global meanwhile.
            var previous = DtypePolicy.Global;
            if (policy is not null) DtypePolicy.Global = policy;
            try
            {
                var model = new Functional(modelInputs, modelOutputs, name);
                Created.Add(model);
                return model;
            }
            finally { DtypePolicy.Global = previous; }
        }

        private InputLayer ReadInput(JsonObject config, string name)
        {
            var shape = Shape(config["batch_shape"] ?? config["shape"], "'batch_shape'");
            var dtype = config["dtype"] is JsonValue ? ParseDType(String(config, "dtype", "InputLayer")) : torch.ScalarType.Float32;
            var input = new InputLayer(shape, dtype, name);
            Created.Add(input);
            return input;
        }

        private Layer ReadLeaf(JsonObject config, string className, string? registeredName, DtypePolicy? policy)
        {
            var layerConfig = ReadConfig(config, className, registeredName);
            var layer = layerConfig.CreateLayer();
            Created.Add(layer);
            if (policy is not null) layer.DtypePolicy = policy;
            return layer;
        }

        private static LayerConfig ReadConfig(JsonObject config, string className, string? registeredName)
        {
            var entry = SerializableLayers.Find(registeredName ?? className)
                ?? throw new InvalidDataException(registeredName is null
                    ? $"'{className}' is not a layer type this library knows; if it is a custom layer, register it before loading: SerializableLayers.Register<{className}, {className}Config>(\"Custom\") (Keras's register_keras_serializable)"
                    : $"'{registeredName}' is not registered; register the custom layer before loading: SerializableLayers.Register<{className}, {className}Config>(\"{registeredName[..registeredName.IndexOf('>', StringComparison.Ordinal)]}\") (Keras's register_keras_serializable)");
            return ConfigCodec.Read(entry.ConfigType, config, NestedConfig);
        }

        private static LayerConfig NestedConfig(JsonNode node)
        {
            var obj = node as JsonObject ?? throw new InvalidDataException("a wrapped layer is not a JSON object");
            string className = String(obj, "class_name", "a wrapped layer");
            string? registeredName = obj["registered_name"] is JsonValue ? String(obj, "registered_name", "a wrapped layer") : null;
            var config = obj["config"] as JsonObject ?? throw new InvalidDataException($"the wrapped {className} has no 'config' object");
            return ReadConfig(config, className, registeredName);
        }

        private static DtypePolicy? Policy(JsonObject config)
        {
            var node = config["dtype"];
            if (node is null) return null;
            string name = node is JsonValue ? String(config, "dtype", "its config") : node["config"]?["name"] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
                : throw new InvalidDataException("its config 'dtype' has no policy name");
            return DtypePolicy.Names.Contains(name) ? DtypePolicy.FromName(name)
                : throw new InvalidDataException($"its dtype policy '{name}' is not one of {string.Join(", ", DtypePolicy.Names)}");
        }

        private static (string, int, int)[] CallInputs(JsonNode? call, string layer)
        {
            var args = call?["args"] as JsonArray ?? throw new InvalidDataException($"a call of '{layer}' has no 'args' array");
            var tensors = args.Count == 1 && args[0] is JsonArray list ? list : args;
            return tensors.Select(t => HistoryKey(t?["config"]?["keras_history"], $"argument of a call of '{layer}'")).ToArray();
        }

        private static (string, int, int) HistoryKey(JsonNode? node, string what)
        {
            if (node is JsonArray { Count: 3 } a && a[0] is JsonValue n && n.GetValueKind() == JsonValueKind.String
                && a[1] is JsonValue i && i.GetValueKind() == JsonValueKind.Number && a[2] is JsonValue j && j.GetValueKind() == JsonValueKind.Number)
                return (n.GetValue<string>(), i.GetValue<int>(), j.GetValue<int>());
            throw new InvalidDataException($"its {what} is not [layer, node, index]");
        }

        private static string Format((string Layer, int Node, int Index) key) => string.Create(CultureInfo.InvariantCulture, $"{key.Layer}[{key.Node}][{key.Index}]");

        private static long[] Shape(JsonNode? node, string what)
        {
            if (node is not JsonArray { Count: > 0 } a || a[0] is not null)
                throw new InvalidDataException($"{what} is not a batch shape [null, ...]");
            return a.Skip(1).Select(d => d is JsonValue v && v.GetValueKind() == JsonValueKind.Number ? v.GetValue<long>() : throw new InvalidDataException($"{what} has a dimension that is not a number")).ToArray();
        }

        private static JsonArray Array(JsonObject config, string key) =>
            config[key] as JsonArray ?? throw new InvalidDataException($"its config has no '{key}' array");

        private static string String(JsonObject obj, string key, string where) =>
            obj[key] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>()
                : throw new InvalidDataException($"{where} has no string '{key}'");
    }
}

/// <summary>A saved layer that cannot be rebuilt, with the layer named in the message (so outer layers do not name themselves too).</summary>
internal sealed class SavedLayerException : Exception
{
    public SavedLayerException(string message) : base(message) { }

    public SavedLayerException(string message, Exception inner) : base(message, inner) { }

    public SavedLayerException() { }
}
