using System.Globalization;
using Gan.Keras.Export;
using TorchSharp;

namespace Gan.Keras.Parity;

/// <summary>
/// A training trace recorded by a real framework (PyTorch, TensorFlow.js): initial weights, the batches and noise of
/// every step, the losses, and optionally the final weights. See docs/parity.md for the format.
/// </summary>
public sealed class GoldenTrace : IDisposable
{
    private readonly Dictionary<string, torch.Tensor> tensors;

    private GoldenTrace(string path, Dictionary<string, torch.Tensor> tensors, Dictionary<string, string> metadata, string? finalPath)
    {
        Path = path;
        this.tensors = tensors;
        Metadata = metadata;
        FinalPath = finalPath;
    }

    /// <summary>Gets the trace file.</summary>
    public string Path { get; }

    /// <summary>Gets the file the final weights came from, or null when there are none.</summary>
    public string? FinalPath { get; }

    /// <summary>Gets the trace's <c>__metadata__</c>.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Gets whose defaults apply: <c>torch</c> or <c>keras</c>.</summary>
    public string Semantics => Required("semantics");

    /// <summary>Gets the GAN loss: <c>bce-nonsaturating...</c> or <c>wgan-gp</c>.</summary>
    public string LossName => Required("loss");

    /// <summary>Gets a value indicating whether this is a WGAN-GP trace.</summary>
    public bool IsWganGp => LossName.StartsWith("wgan-gp", StringComparison.Ordinal);

    /// <summary>Gets a value indicating whether final weights are available.</summary>
    public bool HasFinalWeights => tensors.Keys.Any(k => k.StartsWith("final.", StringComparison.Ordinal));

    /// <summary>Loads a trace, and its final weights from <paramref name="finalPath"/>, or from a sibling <c>*_final.safetensors</c> when present.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt or lacks what a replay needs (named in the message).</exception>
    public static GoldenTrace Load(string path, string? finalPath = null)
    {
        var (tensors, metadata) = SafeTensorsFile.Load(path);
        if (finalPath is null)
        {
            string sibling = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!, System.IO.Path.GetFileNameWithoutExtension(path) + "_final.safetensors");
            if (File.Exists(sibling)) finalPath = sibling;
        }
        if (finalPath is not null)
        {
            var (final, _) = SafeTensorsFile.Load(finalPath);
            foreach (var (name, tensor) in final)
            {
                if (name.StartsWith("final.", StringComparison.Ordinal)) tensors[name] = tensor;
                else tensor.Dispose();
            }
        }
        else if (!tensors.Keys.Any(k => k.StartsWith("final.", StringComparison.Ordinal)))
        {
            finalPath = null;
        }
        var trace = new GoldenTrace(path, tensors, metadata, tensors.Keys.Any(k => k.StartsWith("final.", StringComparison.Ordinal)) ? finalPath ?? path : null);
        trace.Validate();
        return trace;
    }

    /// <summary>Gets a value indicating whether the trace holds a tensor of this name.</summary>
    public bool Contains(string name) => tensors.ContainsKey(name);

    /// <summary>Gets a tensor by name.</summary>
    /// <exception cref="InvalidDataException">The trace has no such tensor.</exception>
    public torch.Tensor Tensor(string name) =>
        tensors.TryGetValue(name, out var tensor) ? tensor : throw new InvalidDataException($"'{Path}' has no tensor '{name}', which the replay needs.");

    /// <summary>Gets the weights under a prefix (<c>init</c> or <c>final</c>) in Keras layout, without the prefix (<c>generator.dense_0.kernel</c>).</summary>
    public IReadOnlyDictionary<string, torch.Tensor> Weights(string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix + ".", StringComparison.Ordinal))
            .ToDictionary(kv => kv.Key[(prefix.Length + 1)..], kv => kv.Value);

    /// <summary>Gets a metadata value as a number.</summary>
    public double Number(string key) =>
        double.TryParse(Required(key), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value : throw new InvalidDataException($"'{Path}': metadata '{key}' = '{Metadata[key]}' is not a number.");

    /// <summary>Gets a metadata value, or null.</summary>
    public string? Optional(string key) => Metadata.TryGetValue(key, out var value) ? value : null;

    /// <summary>Gets a metadata value that must be present.</summary>
    public string Required(string key) =>
        Metadata.TryGetValue(key, out var value) ? value : throw new InvalidDataException($"'{Path}': metadata '{key}' is missing; the replay needs it.");

    /// <summary>Releases the tensors.</summary>
    public void Dispose()
    {
        foreach (var tensor in tensors.Values) tensor.Dispose();
    }

    private string Shape(string name) => "[" + string.Join(", ", tensors[name].shape) + "]";

    private void Validate()
    {
        if (Semantics is not ("torch" or "keras"))
            throw new InvalidDataException($"'{Path}': metadata semantics = '{Semantics}'; expected 'torch' or 'keras'.");
        Tensor("batches.real");
        if (Tensor("losses.d").shape is not [> 0, ..] || Tensor("losses.g").shape is not [> 0, ..])
            throw new InvalidDataException($"'{Path}' records no steps (losses.d is {Shape("losses.d")}, losses.g is {Shape("losses.g")}); a replay needs at least one.");
        if (!HasFinalWeights)
            throw new InvalidDataException($"'{Path}' has no final.* weights, and no {System.IO.Path.GetFileNameWithoutExtension(Path)}_final.safetensors lies beside it; a replay needs the weights after the last step (pass --final FILE).");
        if (!tensors.Keys.Any(k => k.StartsWith("init.generator.", StringComparison.Ordinal)) || !tensors.Keys.Any(k => k.StartsWith("init.discriminator.", StringComparison.Ordinal)))
            throw new InvalidDataException($"'{Path}' has no init.generator.* / init.discriminator.* weights.");
    }
}
