using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gan.Keras.Data;
using Gan.Keras.Export;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using TorchSharp;

namespace Gan.Keras.Training.Runs;

/// <summary>
/// The settings of a training run, one key per setting (<c>data</c>, <c>model</c>, <c>batch-size</c>, ...). A run writes
/// them as <c>run.json</c> in its folder (<see cref="RunFolder"/>); the same file, or any JSON object with a subset of
/// the keys, is read back as a configuration (<c>gan train --config</c>), and resuming or sampling a run rebuilds its
/// data and model from it.
/// </summary>
/// <remarks>
/// Unknown keys, wrongly typed values and values out of range are refused with a <see cref="RunConfigurationException"/>
/// naming the file and the key. <c>format</c> and <c>sample-shape</c> are written by a run; a configuration may carry
/// them (a run's own <c>run.json</c> is a valid configuration), and the sample shape is then recomputed from the data.
/// </remarks>
public sealed record RunConfiguration
{
    /// <summary>The value of <c>format</c> in files written by this version.</summary>
    public const string CurrentFormat = "gan-keras.run.v1";

    /// <summary>The file format marker, <see cref="CurrentFormat"/>; null in a hand-written configuration.</summary>
    public string? Format { get; init; }

    /// <summary>Gets the training data: a <see cref="DatasetCatalog"/> name (<c>ring8</c>, <c>mnist:folder</c>) or an image folder.</summary>
    public string Data { get; init; } = "ring8";

    /// <summary>Gets the model preset (<see cref="ModelPresets.Names"/>), or null for the data's default (<see cref="ModelOrDefault"/>).</summary>
    public string? Model { get; init; }

    /// <summary>Gets the GAN loss (<see cref="GanLosses.Names"/> or an alias).</summary>
    public string Loss { get; init; } = "bce";

    /// <summary>Gets the number of epochs (the epoch index to stop before).</summary>
    public int Epochs { get; init; } = 60;

    /// <summary>Gets the examples per discriminator update.</summary>
    public int BatchSize { get; init; } = 64;

    /// <summary>Gets the seed of weights, noise and shuffling.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Gets the device: <c>auto</c>, <c>cpu</c> or <c>cuda</c>.</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Gets the floating-point type to train in: <c>float32</c>, <c>float64</c>, or a mixed-precision dtype policy, <c>mixed_bfloat16</c> or <c>mixed_float16</c> (float32 variables; see <see cref="DtypePolicy"/>).</summary>
    public string Dtype { get; init; } = "float32";

    /// <summary>Gets the run folder, or null for <c>runs/&lt;data&gt;-&lt;time&gt;</c>. Not written to run.json (the file lives there).</summary>
    public string? Out { get; init; }

    /// <summary>Gets how many checkpoints to keep.</summary>
    public int Keep { get; init; } = 3;

    /// <summary>Gets the square side images are resized to, or null to keep the data's size.</summary>
    public int? ImageSize { get; init; }

    /// <summary>Gets the image channels (1 or 3), or null to keep the data's own.</summary>
    public int? Channels { get; init; }

    /// <summary>Gets the shape of one sample, written by a run so that its model can be rebuilt without the data.</summary>
    public IReadOnlyList<long>? SampleShape { get; init; }

    /// <summary>Gets every key a configuration file may hold, in file order.</summary>
    public static IReadOnlyList<string> Keys { get; } = RunConfigurationJson.Default.RunConfiguration.Properties.Where(p => p.Set is not null).Select(p => p.Name).ToArray();

    /// <summary>The devices <see cref="Device"/> takes.</summary>
    public static IReadOnlyList<string> DeviceNames { get; } = new[] { "auto", "cpu", "cuda" };

    /// <summary>The floating-point types <see cref="Dtype"/> takes.</summary>
    public static IReadOnlyList<string> DtypeNames { get; } = new[] { "float32", "float64", "mixed_bfloat16", "mixed_float16" };

    /// <summary>The settings a resumed run may change: the others define the run.</summary>
    public static IReadOnlyList<string> ResumableKeys { get; } = new[] { "epochs", "device", "keep", "out" };

    /// <summary>Gets the model preset, or the data's default when none is set: <c>mlp-small</c> for 2-D points, <c>mlp</c> for images.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public string ModelOrDefault => Model ?? ModelPresets.DefaultFor(images: !IsPointData);

    private bool IsPointData => Data is "ring8" or "grid25";

    /// <summary>Reads a configuration file (or a run's run.json), with <paramref name="overrides"/> (settings by key) laid over it, and checks it.</summary>
    /// <param name="path">The JSON file.</param>
    /// <param name="overrides">Settings that take precedence over the file's (for example command-line flags), or null.</param>
    /// <exception cref="RunConfigurationException">The file is not a JSON object (invalid JSON, a key given twice, nesting deeper than 16), has an unknown key or a wrongly typed value, or a setting is invalid; the message names the file and the key.</exception>
    public static RunConfiguration Load(string path, JsonObject? overrides = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new RunConfigurationException(null, _ => $"Config file '{path}' cannot be read: {ex.Message}", path, ex);
        }
        return Parse(text, path, overrides);
    }

    /// <summary>Reads a configuration from JSON text; see <see cref="Load"/>.</summary>
    /// <param name="json">A JSON object with any of <see cref="Keys"/>.</param>
    /// <param name="source">Where the text comes from, for error messages.</param>
    /// <param name="overrides">Settings that take precedence, or null.</param>
    public static RunConfiguration Parse(string json, string source, JsonObject? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentException.ThrowIfNullOrEmpty(source);
        JsonObject root;
        try
        {
            // A key given twice is refused here: JsonObject would throw a bare ArgumentException for it when first enumerated.
            root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { MaxDepth = 16, AllowDuplicateProperties = false }) as JsonObject
                ?? throw new JsonException("the top level is not an object");
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException)
        {
            throw new RunConfigurationException(null, _ => $"Config file '{source}' is not a JSON object of settings ({ex.Message}).", source, ex);
        }
        return FromJson(root, source, overrides);
    }

    /// <summary>Builds a configuration from settings by key (over the defaults), with <paramref name="overrides"/> laid over them, and checks it.</summary>
    /// <param name="settings">Settings by key.</param>
    /// <param name="source">Where they come from, for error messages (a file, or null for values given directly).</param>
    /// <param name="overrides">Settings that take precedence, or null.</param>
    public static RunConfiguration FromJson(JsonObject settings, string? source = null, JsonObject? overrides = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        // Start from every default: the source generator sets init-only properties missing from the JSON to default(T), not to their initializers.
        var merged = new RunConfiguration().ToJson();
        foreach (var layer in new[] { settings, overrides ?? new JsonObject() })
            foreach (var (key, value) in layer)
            {
                if (!Keys.Contains(key))
                    throw new RunConfigurationException(key, _ => $"{(source is null ? "Unknown key" : $"Config file '{source}' has unknown key")} '{key}'. Valid keys: {string.Join(", ", Keys)}.", source);
                merged[key] = value?.DeepClone();
            }
        RunConfiguration configuration;
        try
        {
            configuration = merged.Deserialize(RunConfigurationJson.Default.RunConfiguration)
                ?? throw new JsonException("the settings are null");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException or FormatException or OverflowException)
        {
            string key = KeyOf((ex as JsonException)?.Path) ?? "?";
            throw new RunConfigurationException(key, _ => $"{Where(source)}'{key}' has a value of the wrong type or range ({FirstLine(ex.Message)}).", source, ex);
        }
        if (configuration.Format is { } format && format != CurrentFormat)
            throw new RunConfigurationException("format", _ => $"{Where(source)}'format' is '{format}', but this version reads '{CurrentFormat}'.", source);
        configuration.Validate(source);
        return configuration;
    }

    /// <summary>Gets the settings by key, as run.json holds them (unset optional settings left out).</summary>
    public JsonObject ToJson() => (JsonObject)JsonSerializer.SerializeToNode(this, RunConfigurationJson.Default.RunConfiguration)!;

    /// <summary>Writes the settings to <paramref name="path"/> atomically (run.json: with <c>format</c>, without <c>out</c>).</summary>
    public void Save(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var node = (this with { Format = CurrentFormat, Out = null }).ToJson();
        AtomicFile.WriteAllText(path, node.ToJsonString(WriteOptions) + "\n");
    }

    /// <summary>
    /// Checks every setting before anything is loaded: numbers in range, known names (data, model, loss, device,
    /// dtype), and image settings only for image data.
    /// </summary>
    /// <param name="source">The file the settings came from, or null.</param>
    /// <exception cref="RunConfigurationException">A setting is invalid.</exception>
    public void Validate(string? source = null)
    {
        Range("epochs", Epochs, 1, int.MaxValue, "must be positive");
        Range("batch-size", BatchSize, 1, int.MaxValue, "must be positive");
        Range("seed", Seed, 0, long.MaxValue, "must be zero or positive");
        Range("keep", Keep, 1, 1000, "must be from 1 to 1000");
        if (ImageSize is { } size) Range("image-size", size, 8, 4096, "must be from 8 to 4096 pixels");
        if (Channels is { } channels && channels is not (1 or 3))
            throw Invalid("channels", n => $"{n("channels")} must be 1 (gray) or 3 (colour) (got {channels}).");
        if (string.IsNullOrWhiteSpace(Data) || !IsKnownData(Data))
            throw Invalid("data", n => $"Unknown {n("data")} '{Data}'. Valid: {string.Join(", ", DataNames)}.");
        if (IsPointData && (ImageSize is not null || Channels is not null))
            throw Invalid(ImageSize is not null ? "image-size" : "channels", n => $"{n("image-size")} and {n("channels")} apply to image data, but {n("data")} {Data} is 2-D points. Drop them, or use image data (shapes, mnist, cifar10, a folder).");
        if (Model is not null && !ModelPresets.Names.Contains(Model))
            throw Invalid("model", n => $"Unknown {n("model")} '{Model}'. Valid: {string.Join(", ", ModelPresets.Names)}.");
        if (!TryLoss(Loss))
            throw Invalid("loss", n => $"Unknown {n("loss")} '{Loss}'. Valid: {string.Join(", ", GanLosses.Names)}.");
        if (!DeviceNames.Contains(Device))
            throw Invalid("device", n => $"Unknown {n("device")} '{Device}'. Valid: {string.Join(", ", DeviceNames)}.");
        if (!DtypeNames.Contains(Dtype))
            throw Invalid("dtype", n => $"Unknown {n("dtype")} '{Dtype}'. Valid: {string.Join(", ", DtypeNames)}.");

        void Range(string key, long value, long min, long max, string rule)
        {
            if (value < min || value > max) throw Invalid(key, n => string.Create(CultureInfo.InvariantCulture, $"{n(key)} {rule} (got {value})."));
        }

        RunConfigurationException Invalid(string key, Func<Func<string, string>, string> describe) =>
            source is null ? new RunConfigurationException(key, describe) : new RunConfigurationException(key, n => Where(source) + describe(n), source);
    }

    /// <summary>
    /// Lays settings given to resume a run over this one (the run's run.json). Only <see cref="ResumableKeys"/> may
    /// change; any other setting must equal the saved one.
    /// </summary>
    /// <param name="given">The settings given with the resume, by key.</param>
    /// <param name="runFolder">The run being resumed.</param>
    /// <exception cref="RunConfigurationException">A setting that defines the run differs from the saved one.</exception>
    public RunConfiguration ResumeWith(JsonObject given, string runFolder)
    {
        ArgumentNullException.ThrowIfNull(given);
        ArgumentException.ThrowIfNullOrEmpty(runFolder);
        var saved = ToJson();
        foreach (var (key, value) in given)
        {
            if (key == "out" && value is not null && Path.GetFullPath(value.GetValue<string>()) != Path.GetFullPath(runFolder))
                throw new RunConfigurationException(key, n => $"{n("out")} cannot differ from the run being resumed: a resumed run writes into its own folder '{runFolder}'.");
            if (ResumableKeys.Contains(key)) continue;
            var savedValue = saved[key];
            if (Text(savedValue) != Text(value))
                throw new RunConfigurationException(key, n =>
                    $"{n(key)} {Text(value)} differs from the run being resumed ({key} {Text(savedValue)}, from '{RunFolder.ConfigurationPath(runFolder)}'); a resumed run keeps its settings. Drop {n(key)}, or start a new run in another folder.");
        }
        var resumed = given.DeepClone().AsObject();
        resumed.Remove("epochs");
        return FromJson(saved, overrides: resumed) with { Out = runFolder, Epochs = Epochs };

        static string Text(JsonNode? node) => node is null ? "(none)" : node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();
    }

    /// <summary>Resolves <see cref="Device"/>: <c>auto</c> picks CUDA when libtorch has it.</summary>
    /// <exception cref="RunConfigurationException"><c>cuda</c> without CUDA.</exception>
    public torch.Device ResolveDevice()
    {
        bool cuda = torch.cuda.is_available();
        return Device switch
        {
            "cpu" => torch.CPU,
            "auto" => cuda ? torch.CUDA : torch.CPU,
            "cuda" when cuda => torch.CUDA,
            "cuda" => throw new RunConfigurationException("device", n => $"{n("device")} cuda: CUDA is not available (torch.cuda.is_available() is false: no NVIDIA GPU, or this build uses the CPU-only libtorch package). Use {n("device")} cpu or {n("device")} auto."),
            _ => throw new RunConfigurationException("device", n => $"Unknown {n("device")} '{Device}'. Valid: {string.Join(", ", DeviceNames)}."),
        };
    }

    /// <summary>Resolves <see cref="Dtype"/> to the dtype the models' variables and the batches are stored in (float32 for the mixed policies).</summary>
    public torch.ScalarType ResolveDtype() => ResolvePolicy().VariableDtype;

    /// <summary>Resolves <see cref="Dtype"/> to the dtype policy the models are built with.</summary>
    public DtypePolicy ResolvePolicy() => DtypeNames.Contains(Dtype)
        ? DtypePolicy.FromName(Dtype)
        : throw new RunConfigurationException("dtype", n => $"Unknown {n("dtype")} '{Dtype}'. Valid: {string.Join(", ", DtypeNames)}.");

    /// <summary>Opens the training data, flat for MLP presets and NCHW for convolutional ones.</summary>
    /// <param name="download">Whether a missing file dataset is downloaded into the cache folder (checksum-verified).</param>
    /// <param name="stream">Whether image folders, CIFAR-10 and raw IDX files are read from disk batch by batch.</param>
    public Dataset OpenData(bool download = false, bool stream = false)
    {
        try
        {
            return DatasetCatalog.Open(Data, new DatasetOptions
            {
                Seed = Seed, Flatten = ModelPresets.TakesFlatSamples(ModelOrDefault), Download = download, ImageSize = ImageSize, Channels = Channels, Stream = stream,
            });
        }
        catch (ArgumentException ex) when (ex is not RunConfigurationException)
        {
            throw new RunConfigurationException("data", _ => ex.Message, null, ex);
        }
    }

    /// <summary>Builds the preset for samples of <paramref name="sampleShape"/> and compiles it with the loss's defaults (<see cref="LossDefaults"/>). Seed libtorch first for reproducible weights.</summary>
    /// <exception cref="RunConfigurationException">The preset does not fit the data's shape.</exception>
    public GanModel CreateGan(IReadOnlyList<long> sampleShape)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        string model = ModelOrDefault;
        GanModel gan;
        try
        {
            // Layers take the global policy when constructed; float64 runs are moved by GanModel.To (as before policies).
            var policy = ResolvePolicy();
            using (DtypePolicy.UseGlobal(policy.IsMixed ? policy : DtypePolicy.Float32))
                gan = ModelPresets.Create(model, sampleShape, Seed);
        }
        catch (ArgumentException ex)
        {
            throw new RunConfigurationException("model", _ => ex.Message, null, ex);
        }
        LossDefaults.Compile(gan, GanLosses.FromName(Loss), ModelPresets.LearningRate(model));
        return gan;
    }

    /// <summary>Gets the true modes of 2-D benchmark data (drawn under scatter plots), or null.</summary>
    public double[,]? TrueModes() => Data switch
    {
        "ring8" => GaussianMixtures.Ring8Means(),
        "grid25" => GaussianMixtures.Grid25Means(),
        _ => null,
    };

    /// <summary>The settings as one line, for a run's header.</summary>
    public string Describe() => string.Join(", ", ToJson().Where(kv => kv.Key is not ("format" or "sample-shape")).Select(kv => $"{kv.Key} {kv.Value}"));

    /// <summary>Data names, as shown in errors and help.</summary>
    public static IReadOnlyList<string> DataNames { get; } =
        DatasetCatalog.BuiltInNames.Concat(DatasetCatalog.FileNames.Select(n => n + "[:<folder>]")).Append("<folder with one subfolder of images per class>").ToArray();

    private static readonly JsonSerializerOptions WriteOptions = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static bool IsKnownData(string data)
    {
        string name = data.Split(':')[0];
        return DatasetCatalog.BuiltInNames.Contains(name) || DatasetCatalog.FileNames.Contains(name) || Directory.Exists(data);
    }

    private static bool TryLoss(string loss)
    {
        try
        {
            GanLosses.FromName(loss);
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static string Where(string? source) => source is null ? string.Empty : $"Config file '{source}': ";

    private static string? KeyOf(string? jsonPath)
    {
        // "$.batch-size", "$['batch-size']" or "$.sample-shape[1]": the top-level key.
        if (string.IsNullOrEmpty(jsonPath) || jsonPath.Length < 3) return null;
        string rest = jsonPath.StartsWith("$['", StringComparison.Ordinal) ? jsonPath[3..] : jsonPath.StartsWith("$.", StringComparison.Ordinal) ? jsonPath[2..] : jsonPath;
        int end = rest.AsSpan().IndexOfAny("'[.");
        return end < 0 ? rest : rest[..end];
    }

    private static string FirstLine(string message) => message.Split('\n')[0].Trim();
}
