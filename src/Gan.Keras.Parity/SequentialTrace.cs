using System.Text.Json;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Parity;

/// <summary>
/// Builds what a <c>gan-keras-trace/2</c> trace describes (docs/parity.md) from the library's own parts: a
/// <see cref="Sequential"/> of its layers for each network, its <see cref="GanLoss"/> and its optimizers, with the
/// documented options that give the recording framework's semantics (PyTorch's BatchNormalization moving variance,
/// RMSprop ε placement, Adam update rule).
/// </summary>
public static class SequentialTrace
{
    /// <summary>The <c>format</c> metadata value of traces this class reads.</summary>
    public const string Format = "gan-keras-trace/2";

    /// <summary>Creates one network from the trace's <c>generator</c> or <c>discriminator</c> layer list.</summary>
    /// <param name="trace">The trace.</param>
    /// <param name="network"><c>generator</c> or <c>discriminator</c>.</param>
    /// <exception cref="InvalidDataException">A layer spec is malformed or names a layer class parity cannot build.</exception>
    public static Sequential BuildModel(GoldenTrace trace, string network)
    {
        ArgumentNullException.ThrowIfNull(trace);
        using var layers = JsonDocument.Parse(trace.Required(network));
        using var shape = JsonDocument.Parse(trace.Required(network + "_input_shape"));
        var built = layers.RootElement.EnumerateArray().Select(spec => Layer(trace, spec)).ToList();
        return new Sequential(built, inputShape: shape.RootElement.EnumerateArray().Select(e => e.GetInt64()).ToArray(), name: network);
    }

    /// <summary>Creates the GAN loss the trace's <c>loss</c> names.</summary>
    /// <exception cref="InvalidDataException">The loss is not one the library has.</exception>
    public static GanLoss Loss(GoldenTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        return trace.LossName switch
        {
            "non-saturating" => new NonSaturatingLoss(),
            "non-saturating-r1" => new NonSaturatingLoss { Penalty = new R1Penalty(trace.Number("r1_gamma")) },
            "lsgan" => new LeastSquaresLoss(),
            "hinge" => new HingeLoss(),
            _ => throw new InvalidDataException($"'{trace.Path}': loss '{trace.LossName}' is not one a {Format} trace can name (non-saturating, non-saturating-r1, lsgan, hinge)."),
        };
    }

    /// <summary>Creates one optimizer from the trace's <c>optimizer</c> spec, with the recording framework's rule.</summary>
    /// <exception cref="InvalidDataException">The optimizer is not one the library has, or a rule it cannot follow.</exception>
    public static Optimizer Optimizer(GoldenTrace trace)
    {
        ArgumentNullException.ThrowIfNull(trace);
        using var document = JsonDocument.Parse(trace.Required("optimizer"));
        var spec = document.RootElement;
        double lr = Number(spec, "learning_rate", trace);
        bool torchSemantics = trace.Semantics == "torch";
        switch (Text(spec, "class", trace))
        {
            case "Adam":
                var rule = Optional(spec, "rule") switch
                {
                    "algorithm1" => AdamUpdateRule.Algorithm1,
                    "keras" => AdamUpdateRule.Keras,
                    null => torchSemantics ? AdamUpdateRule.Algorithm1 : AdamUpdateRule.Keras,
                    var other => throw new InvalidDataException($"'{trace.Path}': Adam rule '{other}' is neither 'algorithm1' nor 'keras'."),
                };
                var powers = Optional(spec, "beta_powers") switch
                {
                    "float32_running_product" => BetaPowerPrecision.Float32RunningProduct,
                    "float64" => BetaPowerPrecision.DoublePrecision,
                    "variable_dtype" => BetaPowerPrecision.VariableDtype,
                    null => torchSemantics ? BetaPowerPrecision.DoublePrecision : BetaPowerPrecision.VariableDtype,
                    var other => throw new InvalidDataException($"'{trace.Path}': Adam beta_powers '{other}' is not float32_running_product, float64 or variable_dtype."),
                };
                return new Adam(lr, Number(spec, "beta1", trace), Number(spec, "beta2", trace), Number(spec, "epsilon", trace), rule, powers);
            case "RMSprop":
                bool outside = (Optional(spec, "epsilon_placement") ?? (torchSemantics ? "outside_sqrt" : "inside_sqrt")) == "outside_sqrt";
                return new RMSprop(lr, Number(spec, "rho", trace), Number(spec, "epsilon", trace), epsilonOutsideSqrt: outside);
            case "SGD":
                // PyTorch's v = m·v + g; w −= lr·v and Keras's v = m·v − lr·g; w += v are the same updates for a constant
                // learning rate (Keras's v is −lr times PyTorch's), so one rule replays both (docs/parity.md).
                return new SGD(lr, Number(spec, "momentum", trace));
            case var other:
                throw new InvalidDataException($"'{trace.Path}': optimizer '{other}' is not one parity can build (Adam, RMSprop, SGD).");
        }
    }

    private static Layer Layer(GoldenTrace trace, JsonElement spec)
    {
        string name = Text(spec, "name", trace);
        return Text(spec, "class", trace) switch
        {
            "Dense" => new Dense((int)Number(spec, "units", trace), useBias: UseBias(spec), name: name),
            "Conv2D" => new Conv2D((int)Number(spec, "filters", trace), (int)Number(spec, "kernel_size", trace), (int)Number(spec, "strides", trace), Text(spec, "padding", trace),
                useBias: UseBias(spec), name: name),
            "Conv2DTranspose" => new Conv2DTranspose((int)Number(spec, "filters", trace), (int)Number(spec, "kernel_size", trace), (int)Number(spec, "strides", trace), Text(spec, "padding", trace),
                useBias: UseBias(spec), name: name),
            "BatchNormalization" => new BatchNormalization(Number(spec, "momentum", trace), Number(spec, "epsilon", trace), name: name,
                unbiasedMovingVariance: (Optional(spec, "moving_variance") ?? "biased") == "unbiased"),
            "LeakyReLU" => new LeakyReLU(Number(spec, "alpha", trace), name),
            "Activation" => new Activation(Text(spec, "activation", trace), name),
            "Reshape" => new Reshape(spec.GetProperty("target_shape").EnumerateArray().Select(e => e.GetInt64()).ToArray(), name),
            "Flatten" => new Flatten(name),
            "SpectralNormalization" => new SpectralNormalization(Layer(trace, spec.GetProperty("layer")),
                spec.TryGetProperty("power_iterations", out var iterations) ? iterations.GetInt32() : 1, name),
            var other => throw new InvalidDataException($"'{trace.Path}': layer class '{other}' ({name}) is not one parity can build."),
        };
    }

    private static bool UseBias(JsonElement spec) => !spec.TryGetProperty("use_bias", out var value) || value.GetBoolean();

    private static string Text(JsonElement spec, string key, GoldenTrace trace) =>
        Optional(spec, key) ?? throw new InvalidDataException($"'{trace.Path}': layer or optimizer spec {spec} has no '{key}'.");

    private static string? Optional(JsonElement spec, string key) =>
        spec.TryGetProperty(key, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText() : null;

    private static double Number(JsonElement spec, string key, GoldenTrace trace) =>
        spec.TryGetProperty(key, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble()
            : throw new InvalidDataException($"'{trace.Path}': spec {spec} has no number '{key}'.");
}
