namespace Gan.Keras.Optimizers;

/// <summary>
/// How Adam computes the bias-correction powers βᵗ. The frameworks differ, and it shows in the first steps:
/// float32(0.999) is 0.99900001, so 1 − β₂ differs by 1.3e-5 (relative) from the float64 value.
/// </summary>
public enum BetaPowerPrecision
{
    /// <summary>In the variable's dtype, <c>pow(β, t)</c>: Keras 3 (<c>ops.power(cast(beta, dtype), step)</c>).</summary>
    VariableDtype,

    /// <summary>In float64, <c>β ** t</c>: PyTorch and TorchSharp.</summary>
    DoublePrecision,

    /// <summary>A float32 running product <c>accβ *= β</c> starting at β: TensorFlow.js.</summary>
    Float32RunningProduct,
}
