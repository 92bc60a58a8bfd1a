namespace Gan.Keras.Optimizers;

/// <summary>Where Adam adds epsilon: the two rules differ measurably in the first steps.</summary>
public enum AdamUpdateRule
{
    /// <summary>
    /// Keras (Python) and TensorFlow's rule, "epsilon hat": <c>lr_t = lr·√(1−β₂ᵗ)/(1−β₁ᵗ)</c>, <c>w −= lr_t·m/(√v + ε)</c>.
    /// </summary>
    Keras,

    /// <summary>
    /// Algorithm 1 of Kingma &amp; Ba, used by PyTorch and TensorFlow.js: <c>w −= lr·m̂/(√v̂ + ε)</c> with
    /// <c>m̂ = m/(1−β₁ᵗ)</c>, <c>v̂ = v/(1−β₂ᵗ)</c>.
    /// </summary>
    Algorithm1,
}
