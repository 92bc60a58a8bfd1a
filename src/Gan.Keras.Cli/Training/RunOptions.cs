using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// The settings of a training run, with the same keys as the <c>gan train</c> flags. Read from <c>--config FILE</c>
/// (flags override it) and written as <c>run.json</c> in the output folder, where <c>--resume</c> and
/// <c>gan sample</c> read them back.
/// </summary>
internal sealed record RunOptions
{
    public const string RunFileName = "run.json";
    private const string Format = "gan-keras.run.v1";

    /// <summary>The keys a config file may hold (the flags' names).</summary>
    public static readonly string[] ConfigKeys = { "data", "model", "loss", "epochs", "batch-size", "seed", "device", "dtype", "out", "keep", "image-size", "channels" };

    public string Data { get; init; } = "ring8";

    /// <summary>The model preset; null means "the default for the data" (<see cref="RunFactory.DefaultModelFor"/>).</summary>
    public string? Model { get; init; }

    public string Loss { get; init; } = "bce";

    public int Epochs { get; init; } = 60;

    public int BatchSize { get; init; } = 64;

    public long Seed { get; init; } = 42;

    public string Device { get; init; } = "auto";

    /// <summary>The floating-point type to train in: <c>float32</c> or <c>float64</c>.</summary>
    public string Dtype { get; init; } = "float32";

    public string? Out { get; init; }

    public int Keep { get; init; } = 3;

    /// <summary>The square side images are resized to (<c>--image-size</c>), or null to keep the data's size.</summary>
    public int? ImageSize { get; init; }

    /// <summary>The image channels (<c>--channels</c>, 1 or 3), or null to keep the data's own.</summary>
    public int? Channels { get; init; }

    /// <summary>The shape of one sample (recorded in run.json so <c>gan sample</c> can rebuild the model without the data).</summary>
    public IReadOnlyList<long>? SampleShape { get; init; }

    /// <summary>Reads a config file or a run.json. Unknown keys and wrongly typed values are usage errors naming the file and key.</summary>
    public static RunOptions Load(string path, RunOptions defaults, bool isRunFile = false)
    {
        JsonObject root;
        try
        {
            root = JsonNode.Parse(File.ReadAllText(path))?.AsObject() ?? throw new JsonException("the file is empty");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            throw new UsageException($"Config file '{path}' is not a JSON object ({ex.Message}).", ex);
        }
        var options = defaults;
        foreach (var (key, node) in root)
        {
            if (isRunFile && key is "format" or "sample-shape") continue;
            if (!ConfigKeys.Contains(key))
                throw new UsageException($"Config file '{path}' has unknown key '{key}'. Valid keys: {string.Join(", ", ConfigKeys)}.");
            options = key switch
            {
                "data" => options with { Data = Text(path, key, node) },
                "model" => options with { Model = Text(path, key, node) },
                "loss" => options with { Loss = Text(path, key, node) },
                "epochs" => options with { Epochs = (int)Number(path, key, node, 1, int.MaxValue) },
                "batch-size" => options with { BatchSize = (int)Number(path, key, node, 1, int.MaxValue) },
                "seed" => options with { Seed = Number(path, key, node, 0, long.MaxValue) },
                "device" => options with { Device = Text(path, key, node) },
                "dtype" => options with { Dtype = Text(path, key, node) },
                "out" => options with { Out = Text(path, key, node) },
                "keep" => options with { Keep = (int)Number(path, key, node, 1, 1000) },
                "image-size" => options with { ImageSize = (int)Number(path, key, node, 8, 4096) },
                "channels" => options with { Channels = ChannelCount(path, node) },
                _ => options,
            };
        }
        if (isRunFile && root["sample-shape"] is JsonArray shape)
            options = options with { SampleShape = shape.Select(d => d!.GetValue<long>()).ToArray() };
        return options;
    }

    /// <summary>Writes run.json (the resolved settings, plus the sample shape).</summary>
    public void Save(string path)
    {
        var root = new JsonObject
        {
            ["format"] = Format,
            ["data"] = Data,
            ["model"] = Model,
            ["loss"] = Loss,
            ["epochs"] = Epochs,
            ["batch-size"] = BatchSize,
            ["seed"] = Seed,
            ["device"] = Device,
            ["dtype"] = Dtype,
            ["keep"] = Keep,
        };
        if (ImageSize is not null) root["image-size"] = ImageSize;
        if (Channels is not null) root["channels"] = Channels;
        if (SampleShape is not null) root["sample-shape"] = new JsonArray(SampleShape.Select(d => (JsonNode)d).ToArray());
        Export.AtomicFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + "\n");
    }

    /// <summary>The settings as one line, for the run's header and the checkpoint metadata.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"data {Data}, model {Model}, loss {Loss}, epochs {Epochs}, batch size {BatchSize}, seed {Seed}, device {Device}, dtype {Dtype}{(ImageSize is null ? "" : $", image size {ImageSize}")}{(Channels is null ? "" : $", channels {Channels}")}");

    private static string Text(string path, string key, JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out string? text) && !string.IsNullOrWhiteSpace(text)
            ? text
            : throw new UsageException($"Config file '{path}': '{key}' must be a non-empty string, got {node?.ToJsonString() ?? "null"}.");

    private static int ChannelCount(string path, JsonNode? node) =>
        node is JsonValue value && value.TryGetValue(out int channels) && channels is 1 or 3
            ? channels
            : throw new UsageException($"Config file '{path}': 'channels' must be 1 (gray) or 3 (colour), got {node?.ToJsonString() ?? "null"}.");

    private static long Number(string path, string key, JsonNode? node, long min, long max) =>
        node is JsonValue value && value.TryGetValue(out long number) && number >= min && number <= max
            ? number
            : throw new UsageException($"Config file '{path}': '{key}' must be an integer from {min} to {max}, got {node?.ToJsonString() ?? "null"}.");
}
