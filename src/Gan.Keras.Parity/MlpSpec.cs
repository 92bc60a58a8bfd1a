using System.Globalization;
using System.Text.RegularExpressions;
using TorchSharp;

namespace Gan.Keras.Parity;

/// <summary>An MLP read from a trace: each dense layer's size and the activation after it.</summary>
/// <param name="Units">Output size of each dense layer.</param>
/// <param name="InputSize">Input size of the first layer.</param>
/// <param name="Activations">Activation after each dense layer: <c>relu</c>, <c>leaky_relu:0.2</c>, <c>tanh</c>, <c>sigmoid</c>, <c>linear</c>.</param>
public sealed partial record MlpSpec(long InputSize, IReadOnlyList<long> Units, IReadOnlyList<string> Activations)
{
    /// <summary>Reads the layer sizes from the weights (<c>{network}.dense_{i}.kernel</c>, <c>[in, out]</c>) and the activations from the metadata.</summary>
    /// <param name="trace">The trace.</param>
    /// <param name="network"><c>generator</c> or <c>discriminator</c>.</param>
    public static MlpSpec FromTrace(GoldenTrace trace, string network)
    {
        ArgumentNullException.ThrowIfNull(trace);
        var init = trace.Weights("init");
        var kernels = new List<torch.Tensor>();
        for (int i = 0; init.TryGetValue($"{network}.dense_{i}.kernel", out var kernel); i++) kernels.Add(kernel);
        if (kernels.Count == 0) throw new InvalidDataException($"'{trace.Path}' has no init.{network}.dense_0.kernel.");
        var activations = ParseActivations(trace, network == "generator" ? "G" : "D", kernels.Count);
        return new MlpSpec(kernels[0].shape[0], kernels.Select(k => k.shape[1]).ToArray(), activations);
    }

    private static string[] ParseActivations(GoldenTrace trace, string label, int layers)
    {
        // Keras traces: "G: 100->128 relu->256 relu->...->784 tanh; D: ..."
        if (trace.Optional("activation") is { } arrows)
        {
            string part = Section(arrows, label, trace);
            var steps = part.Split("->").Skip(1).Select(s => s.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToArray();
            if (steps.Length != layers || steps.Any(s => s.Length != 2))
                throw new InvalidDataException($"'{trace.Path}': metadata activation for {label} ('{part}') does not describe {layers} dense layers.");
            return steps.Select(s => Normalize(s[1], trace)).ToArray();
        }
        // Torch traces: "G: LeakyReLU(0.2) x4, linear output; D: LeakyReLU(0.2) x2, sigmoid output"
        string text = Section(trace.Required("activations"), label, trace);
        var match = TorchStyle().Match(text);
        if (!match.Success || int.Parse(match.Groups["count"].Value, CultureInfo.InvariantCulture) != layers - 1)
            throw new InvalidDataException($"'{trace.Path}': metadata activations for {label} ('{text}') does not describe {layers} dense layers.");
        string hidden = Normalize(match.Groups["hidden"].Value, trace);
        return Enumerable.Repeat(hidden, layers - 1).Append(Normalize(match.Groups["output"].Value, trace)).ToArray();
    }

    private static string Section(string text, string label, GoldenTrace trace)
    {
        foreach (var part in text.Split(';'))
        {
            var trimmed = part.Trim();
            if (trimmed.StartsWith(label + ":", StringComparison.Ordinal)) return trimmed[(label.Length + 1)..].Trim();
        }
        throw new InvalidDataException($"'{trace.Path}': activation metadata '{text}' has no '{label}:' part.");
    }

    private static string Normalize(string name, GoldenTrace trace)
    {
        var leaky = LeakyPattern().Match(name);
        if (leaky.Success) return "leaky_relu:" + leaky.Groups[1].Value;
        return name.ToLowerInvariant() switch
        {
            "relu" => "relu",
            "tanh" => "tanh",
            "sigmoid" => "sigmoid",
            "linear" or "none" or "identity" => "linear",
            _ => throw new InvalidDataException($"'{trace.Path}': unknown activation '{name}' in metadata."),
        };
    }

    [GeneratedRegex(@"^(?<hidden>[A-Za-z]+(?:\([0-9.]+\))?)\s*x(?<count>\d+),\s*(?<output>\w+)\s+output$")]
    private static partial Regex TorchStyle();

    [GeneratedRegex(@"^LeakyReLU\(([0-9.]+)\)$", RegexOptions.IgnoreCase)]
    private static partial Regex LeakyPattern();
}
