namespace Gan.Keras.Losses;

/// <summary>How <see cref="WassersteinGradientPenalty"/> draws the coefficient α of each example's interpolate.</summary>
public enum InterpolationCoefficients
{
    /// <summary>
    /// α ~ U[0, 1), <c>x̂ = α·x + (1 − α)·x̃</c>: points on the segment between a real and a generated sample, as
    /// Gulrajani et al.'s Algorithm 1 (the default).
    /// </summary>
    Uniform,

    /// <summary>
    /// α ~ N(0, 1), <c>x̂ = x + α·(x̃ − x)</c>: keras-io's <c>wgan_gp</c> example (<c>tf.random.normal([batch, 1, 1, 1])</c>),
    /// which also evaluates the gradient beyond the segment's ends.
    /// </summary>
    Normal,
}
