using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gan.Keras.Parity;

/// <summary>How far a replay is from a recorded trace, and whether that is within the trace's tolerances.</summary>
public sealed record ParityReport
{
    /// <summary>Gets the trace file.</summary>
    public required string Trace { get; init; }

    /// <summary>Gets the framework that recorded the trace.</summary>
    public required string Framework { get; init; }

    /// <summary>Gets whose semantics were replayed (<c>torch</c> or <c>keras</c>).</summary>
    public required string Semantics { get; init; }

    /// <summary>Gets the GAN loss of the trace.</summary>
    public required string Loss { get; init; }

    /// <summary>Gets which implementation replayed it.</summary>
    public required string Implementation { get; init; }

    /// <summary>Gets the number of discriminator (critic) steps replayed.</summary>
    public required int DiscriminatorSteps { get; init; }

    /// <summary>Gets the number of generator steps replayed.</summary>
    public required int GeneratorSteps { get; init; }

    /// <summary>Gets max |Δ| of the discriminator loss over steps 0–4.</summary>
    public required double DLossFirst5 { get; init; }

    /// <summary>Gets max |Δ| of the generator loss over steps 0–4.</summary>
    public required double GLossFirst5 { get; init; }

    /// <summary>Gets max |Δ| of the discriminator loss over all steps.</summary>
    public required double DLossAll { get; init; }

    /// <summary>Gets max |Δ| of the generator loss over all steps.</summary>
    public required double GLossAll { get; init; }

    /// <summary>Gets max |Δ| of the final weights.</summary>
    public required double FinalWeights { get; init; }

    /// <summary>Gets max |Δ| of the generator's inference-mode output on the trace's <c>eval.z</c> after training, or null when the trace records none.</summary>
    public double? InferenceOutput { get; init; }

    /// <summary>Gets the tolerance for steps 0–4.</summary>
    public required double ToleranceFirst5 { get; init; }

    /// <summary>Gets the tolerance for all steps.</summary>
    public required double ToleranceAll { get; init; }

    /// <summary>Gets the tolerance for the final weights.</summary>
    public required double ToleranceFinalWeights { get; init; }

    /// <summary>Gets a value indicating whether every difference is within its tolerance.</summary>
    public bool Pass =>
        Math.Max(DLossFirst5, GLossFirst5) <= ToleranceFirst5 &&
        Math.Max(DLossAll, GLossAll) <= ToleranceAll &&
        FinalWeights <= ToleranceFinalWeights &&
        (InferenceOutput is null || InferenceOutput <= ToleranceFinalWeights);

    /// <summary>Formats the report as one JSON line.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Options);

    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };
}
