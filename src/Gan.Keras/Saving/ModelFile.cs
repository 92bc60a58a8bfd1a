using System.Globalization;
using System.Text.Json.Nodes;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Saving;

/// <summary>
/// <see cref="Model.Save"/> and <see cref="Model.Load"/>: a model's architecture (<see cref="KerasJson"/>), weights
/// (by state-dict name), once compiled its compile config and optimizer state (<c>optimizer/*</c>), and metadata in one
/// <see cref="KerasArchive"/>. The pieces are shared with
/// <see cref="GanModel.Save"/>, whose file holds two models.
/// </summary>
internal static class ModelFile
{
    /// <summary>The <c>format</c> metadata of a saved model.</summary>
    public const string Format = "gan-keras.model.v1";

    /// <summary>The prefix of the optimizer's state among a saved model's tensors (no state-dict name holds a '/').</summary>
    private const string OptimizerPrefix = "optimizer/";

    /// <summary>Saves <paramref name="model"/> to <paramref name="path"/>: with its compile config and optimizer state once compiled, as Keras does.</summary>
    public static void Save(Model model, string path)
    {
        var config = KerasJson.Serialize(model);
        if (model.Compilation is { } compilation) config["compile_config"] = CompileConfig(compilation);
        var weights = CaptureWeights(model, string.Empty);
        try
        {
            if (model.Compilation is { } compiled)
            {
                using var scope = torch.NewDisposeScope();
                foreach (var (name, tensor) in compiled.Optimizer.GetState()) weights[OptimizerPrefix + name] = tensor.cpu().DetachFromDisposeScope();
            }
            KerasArchive.Write(path, Metadata(Format, model.DtypePolicy.Name), config, weights);
        }
        finally { foreach (var tensor in weights.Values) tensor.Dispose(); }
    }

    /// <summary>Loads a model from a file's bytes; <paramref name="path"/> names the file in errors.</summary>
    /// <param name="bytes">The file's bytes.</param>
    /// <param name="path">The file, for errors.</param>
    /// <param name="compile">Whether to compile the model as it was saved and restore its optimizer's state (Keras's <c>compile=True</c>).</param>
    public static Model Load(byte[] bytes, string path, bool compile = true)
    {
        var (metadata, config, tensors) = KerasArchive.Read(bytes, path);
        try
        {
            CheckFormat(metadata, path, Format);
            var weights = tensors.Where(kv => !kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            var model = Rebuild(config, path, weights);
            try
            {
                AssignWeights(model, weights, string.Empty, path);
                if (compile && config["compile_config"] is { } compileConfig) Compile(model, compileConfig, tensors, path);
                return model;
            }
            catch
            {
                model.Dispose();
                throw;
            }
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>Keras's <c>compile_config</c>: the optimizer, one loss per output, the loss weights and the metrics as given.</summary>
    private static JsonObject CompileConfig(ModelCompilation compilation) => new()
    {
        ["optimizer"] = ObjectConfig.Write(compilation.Optimizer, "the optimizer"),
        ["loss"] = new JsonArray(compilation.Losses.Select((l, i) => ObjectConfig.Write(l, $"loss {i}")).ToArray()),
        ["loss_weights"] = new JsonArray(compilation.LossWeights.Select(w => (JsonNode)w).ToArray()),
        ["metrics"] = new JsonArray(compilation.MetricSpecs.Select((m, i) => m.Name is { } name ? (JsonNode)name : ObjectConfig.Write(m.Metric, $"metric {i}")).ToArray()),
        // Keras's GAN examples freeze a network after compiling it: it still trains with the flags of its compile.
        ["trainable_at_compile"] = new JsonArray(compilation.TrainableAtCompile.Select(t => (JsonNode)t).ToArray()),
    };

    /// <summary>Compiles a loaded model as its file says and restores the optimizer's state.</summary>
    private static void Compile(Model model, JsonNode compileConfig, IReadOnlyDictionary<string, torch.Tensor> tensors, string path)
    {
        try
        {
            var compile = compileConfig as JsonObject ?? throw new InvalidDataException("its 'compile_config' is not an object");
            var optimizer = ObjectConfig.Read(compile["optimizer"], "the optimizer") as Optimizers.Optimizer ?? throw new InvalidDataException("its compile config's 'optimizer' is not an optimizer");
            var losses = Items(compile, "loss").Select((node, i) => ObjectConfig.Read(node, $"loss {i}") as Losses.Loss ?? throw new InvalidDataException($"its compile config's loss {i} is not a loss")).ToArray();
            var weights = Items(compile, "loss_weights").Select((node, i) => node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number ? v.GetValue<double>() : throw new InvalidDataException($"its compile config's loss weight {i} is not a number")).ToArray();
            var metrics = Items(compile, "metrics").Select((node, i) => node is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String
                ? Metrics.MetricSpec.FromName(v.GetValue<string>())
                : Metrics.MetricSpec.FromMetric(ObjectConfig.Read(node, $"metric {i}") as Metrics.MeanMetricWrapper ?? throw new InvalidDataException($"its compile config's metric {i} is not a metric"))).ToArray();
            var atCompile = Items(compile, "trainable_at_compile").Select((node, i) => node is JsonValue v && v.GetValueKind() is System.Text.Json.JsonValueKind.True or System.Text.Json.JsonValueKind.False
                ? v.GetValue<bool>() : throw new InvalidDataException($"its compile config's trainable flag {i} is not true or false")).ToArray();
            using (TrainableSnapshot.Apply(model, atCompile)) model.Compile(optimizer, losses, metrics, weights);
            var state = tensors.Where(kv => kv.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[OptimizerPrefix.Length..], kv => kv.Value, StringComparer.Ordinal);
            var variables = model.Compilation!.OptimizerVariables();
            if (optimizer.StateProblem(state, variables) is { } problem) throw new InvalidDataException($"its optimizer state does not fit the model: {problem}");
            optimizer.SetState(state, variables);
        }
        catch (Exception ex) when (ex is InvalidDataException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            throw new InvalidDataException($"'{path}': cannot compile the model as saved: {KerasArchive.OneLine(ex.Message).TrimEnd('.')}. Load it with compile: false to skip its compile config.", ex);
        }
    }

    private static JsonArray Items(JsonObject obj, string key) =>
        obj[key] as JsonArray ?? throw new InvalidDataException($"its compile config has no '{key}' array");

    /// <summary>The metadata Keras writes (<c>keras_version</c> aside: this is not Keras), with the format and the dtype policy.</summary>
    public static JsonObject Metadata(string format, string dtypePolicy) => new()
    {
        ["format"] = format,
        ["library"] = "Gan.Keras",
        ["library_version"] = typeof(ModelFile).Assembly.GetName().Version?.ToString(3) ?? "unknown",
        ["dtype_policy"] = dtypePolicy,
    };

    /// <summary>Refuses a file whose <c>format</c> is not <paramref name="expected"/>, naming what it is instead.</summary>
    public static void CheckFormat(JsonObject metadata, string path, string expected)
    {
        string? format = metadata["format"] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;
        if (format == expected) return;
        string hint = format switch
        {
            Format => " It holds one model: open it with Model.Load.",
            GanFile.Format => " It holds a GAN: open it with GanModel.Load.",
            _ => string.Empty,
        };
        throw new InvalidDataException($"'{path}' is not a {(expected == Format ? "saved Gan.Keras model" : "saved Gan.Keras GAN")}: its metadata 'format' is {(format is null ? "missing" : $"'{format}'")}, expected '{expected}'.{hint}");
    }

    /// <summary>Creates the model a <see cref="KerasJson"/> object describes, with fresh weights.</summary>
    /// <exception cref="InvalidDataException">The object cannot be rebuilt; the message names the file, the layer and the key.</exception>
    /// <param name="config">The model's Keras object.</param>
    /// <param name="path">The file, for errors.</param>
    /// <param name="weights">The saved weights: the rebuilt layers may not create more values than they hold.</param>
    public static Model Rebuild(JsonNode? config, string path, IReadOnlyDictionary<string, torch.Tensor> weights)
    {
        using var budget = WeightBudget.Limit(weights.Values.Sum(t => t.numel()));
        // Initializers' temporaries die with this scope; the weights themselves are detached from it (Layer.AddWeight).
        using var scope = torch.NewDisposeScope();
        Layer layer;
        try
        {
            layer = KerasJson.Deserialize(config);
        }
        catch (Exception ex) when (ex is SavedLayerException or InvalidDataException)
        {
            throw new InvalidDataException($"'{path}': cannot rebuild {KerasArchive.OneLine(ex.Message)}.", ex);
        }
        if (layer is Model model) return model;
        layer.Dispose();
        throw new InvalidDataException($"'{path}': the saved architecture is a single layer ({layer.GetType().Name}), not a model.");
    }

    /// <summary>CPU copies of the model's weights and buffers by state-dict name, after <paramref name="prefix"/>; the caller disposes them.</summary>
    public static Dictionary<string, torch.Tensor> CaptureWeights(Model model, string prefix)
    {
        var copies = new Dictionary<string, torch.Tensor>(StringComparer.Ordinal);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in model.state_dict()) copies[prefix + name] = tensor.detach().cpu().clone().DetachFromDisposeScope();
        return copies;
    }

    /// <summary>Copies the saved tensors named <paramref name="prefix"/> + state-dict name into the model, after checking every name and shape (nothing is changed on a mismatch).</summary>
    /// <exception cref="InvalidDataException">A weight is missing, unexpected or of another shape; every mismatch is listed.</exception>
    public static void AssignWeights(Model model, IReadOnlyDictionary<string, torch.Tensor> tensors, string prefix, string path)
    {
        var live = model.state_dict();
        var problems = new List<string>();
        foreach (var (name, tensor) in live)
        {
            if (!tensors.TryGetValue(prefix + name, out var saved)) problems.Add($"missing '{prefix}{name}' {Shapes.Format(tensor.shape)}");
            else if (!saved.shape.SequenceEqual(tensor.shape)) problems.Add($"'{prefix}{name}': saved {Shapes.Format(saved.shape)}, model has {Shapes.Format(tensor.shape)}");
            else if (saved.is_floating_point() != tensor.is_floating_point()) problems.Add($"'{prefix}{name}': saved {saved.dtype}, model has {tensor.dtype}");
        }
        foreach (var (name, tensor) in tensors)
            if (name.StartsWith(prefix, StringComparison.Ordinal) && !live.ContainsKey(name[prefix.Length..]))
                problems.Add($"unexpected '{name}' {Shapes.Format(tensor.shape)}");
        if (problems.Count > 0)
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
                $"'{path}': the saved weights do not match the saved architecture ({problems.Count} mismatches): {string.Join("; ", problems)}."));
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in live) tensor.copy_(tensors[prefix + name]);
    }
}
