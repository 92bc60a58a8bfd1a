namespace Gan.Keras.Parity;

/// <summary>
/// How close a replay must be to a recorded trace (max absolute difference), by the framework family whose semantics
/// the trace records. The table lives in code on purpose: a trace's metadata never loosens it.
/// </summary>
/// <param name="First5Steps">Tolerance on every loss of steps 0–4, where rounding has not yet compounded.</param>
/// <param name="AllSteps">Tolerance on every loss of every step.</param>
/// <param name="FinalWeights">Tolerance on every final weight.</param>
public sealed record ParityTolerances(double First5Steps, double AllSteps, double FinalWeights)
{
    /// <summary>Gets the tolerances for PyTorch traces: libtorch computes both sides, so only float rounding differs.</summary>
    public static ParityTolerances Torch { get; } = new(1e-5, 1e-3, 1e-3);

    /// <summary>Gets the tolerances for Keras-semantics traces recorded by TensorFlow.js: a different float32 matmul.</summary>
    public static ParityTolerances Keras { get; } = new(1e-4, 5e-2, 1e-2);

    /// <summary>Gets the tolerances for a trace's <c>semantics</c> (<c>torch</c> or <c>keras</c>).</summary>
    /// <exception cref="ArgumentException">The semantics is neither.</exception>
    public static ParityTolerances For(string semantics) => semantics switch
    {
        "torch" => Torch,
        "keras" => Keras,
        _ => throw new ArgumentException($"No parity tolerances for semantics '{semantics}'; expected 'torch' or 'keras'.", nameof(semantics)),
    };
}
