using Gan.Keras.Internal;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// A regulariser of the discriminator's input gradient, added to its loss at every discriminator update
/// (<see cref="GanLoss.Penalty"/>). Like a loss it is a pure function: it runs the discriminator it is given and
/// returns a differentiable scalar; <see cref="Models.GanModel"/> adds it and applies the update.
/// </summary>
/// <remarks>
/// Penalties differentiate the discriminator's output with respect to its input and then the result with respect to
/// the weights (double backpropagation): the input gradient is taken with <c>create_graph: true</c> and
/// <c>retain_graph: true</c>. TorchSharp's <c>torch.autograd.grad</c> does not default <c>retain_graph</c> to
/// <c>create_graph</c> as PyTorch does; without both the weight update fails with "Trying to backward through the
/// graph a second time".
/// </remarks>
public abstract class GradientPenalty
{
    /// <summary>The default ε added under the square root of a gradient norm (TF-GAN's <c>wasserstein_gradient_penalty</c>).</summary>
    public const double DefaultNormEpsilon = 1e-10;

    /// <summary>Initializes a new instance of the <see cref="GradientPenalty"/> class.</summary>
    /// <param name="weight">The factor applied to the penalty; non-negative and finite.</param>
    protected GradientPenalty(double weight)
    {
        if (!(weight >= 0) || double.IsInfinity(weight))
            throw new ArgumentOutOfRangeException(nameof(weight), weight, "A penalty weight must be a non-negative, finite number.");
        Weight = weight;
    }

    /// <summary>Gets a short name for logs (<c>wgan-gp</c>, <c>r1</c>).</summary>
    public abstract string Name { get; }

    /// <summary>Gets the factor the penalty is multiplied by.</summary>
    public double Weight { get; }

    /// <summary>Computes the weighted penalty, a differentiable scalar to add to the discriminator's loss.</summary>
    /// <param name="discriminator">Runs the discriminator in training mode (conditional models close over the labels).</param>
    /// <param name="real">The real batch.</param>
    /// <param name="fake">The generated batch, detached from the generator; same shape as <paramref name="real"/>.</param>
    /// <param name="noise">Where to draw random numbers (interpolation coefficients).</param>
    /// <param name="lossScale">The dynamic loss scale of a <c>mixed_float16</c> update (1 otherwise): the input gradient is taken of the scaled output and divided back (<see cref="InputGradient"/>).</param>
    public abstract torch.Tensor Compute(Func<torch.Tensor, torch.Tensor> discriminator, torch.Tensor real, torch.Tensor fake, NoiseSource noise, double lossScale = 1);

    /// <summary>
    /// The per-example L2 norm of a batch of gradients over all non-batch axes, with ε inside the square root:
    /// <c>‖g_i‖ = √(Σ_j g_ij² + ε)</c>. The ε keeps the norm's own gradient finite when <c>g_i = 0</c> (no NaN).
    /// </summary>
    /// <param name="gradients">Gradients <c>[batch, ...]</c>.</param>
    /// <param name="epsilon">ε, non-negative.</param>
    /// <returns>A new tensor <c>[batch]</c>.</returns>
    public static torch.Tensor PerExampleNorm(torch.Tensor gradients, double epsilon = DefaultNormEpsilon)
    {
        ArgumentNullException.ThrowIfNull(gradients);
        ArgumentOutOfRangeException.ThrowIfNegative(epsilon);
        if (gradients.dim() < 2)
            throw new ArgumentException($"PerExampleNorm needs gradients [batch, ...] with at least one non-batch axis, but received {Shapes.Format(gradients.shape)}.", nameof(gradients));
        using var scope = torch.NewDisposeScope();
        var squares = gradients.reshape(gradients.shape[0], -1).square().sum(1);
        return (squares + epsilon).sqrt().MoveToOuterDisposeScope();
    }

    /// <summary>
    /// The gradient of the summed discriminator outputs with respect to its inputs, kept differentiable
    /// (<c>create_graph</c> and <c>retain_graph</c> both true) so the penalty can be differentiated with respect to the weights.
    /// </summary>
    /// <param name="discriminator">Runs the discriminator.</param>
    /// <param name="inputs">The points to differentiate at; a detached copy that requires gradients is used.</param>
    /// <param name="lossScale">
    /// A positive factor the output is multiplied by before differentiating, and the gradient divided by after (the
    /// mixed-precision recipe of PyTorch's AMP for gradient penalties): under <c>mixed_float16</c> the loss scale keeps
    /// the input gradient, which runs backwards through float16 layers, from underflowing. Non-finite results are caught
    /// by the optimizer's loss scale, which skips the update. 1 by default.
    /// </param>
    /// <returns>A new tensor shaped like <paramref name="inputs"/>, in <paramref name="inputs"/>'s dtype (float32 for mixed precision).</returns>
    public static torch.Tensor InputGradient(Func<torch.Tensor, torch.Tensor> discriminator, torch.Tensor inputs, double lossScale = 1)
    {
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(inputs);
        if (!(lossScale > 0) || double.IsInfinity(lossScale))
            throw new ArgumentOutOfRangeException(nameof(lossScale), lossScale, "The loss scale must be a positive, finite number (1 without loss scaling).");
        using var scope = torch.NewDisposeScope();
        using var grad = torch.enable_grad();
        var points = inputs.detach().requires_grad_(true);
        var output = discriminator(points);
        if (!output.requires_grad)
            throw new InvalidOperationException("The discriminator's output does not depend on anything that requires a gradient; a gradient penalty needs a trainable discriminator.");
        if (Layers.DtypePolicy.IsHalf(output.dtype)) output = output.to(torch.float32);
        if (lossScale != 1) output = output * lossScale;
        var gradients = torch.autograd.grad(new[] { output }, new[] { points }, new[] { torch.ones_like(output) },
            retain_graph: true, create_graph: true, allow_unused: true)[0];
        var result = gradients is null || gradients.IsInvalid ? torch.zeros_like(points) : gradients;
        if (lossScale != 1) result = result / lossScale;
        return result.MoveToOuterDisposeScope();
    }

    /// <summary>Throws unless the real and generated batches have the same non-empty shape.</summary>
    protected void CheckBatches(torch.Tensor real, torch.Tensor fake)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(fake);
        if (real.dim() < 2 || real.shape[0] == 0 || !real.shape.SequenceEqual(fake.shape))
            throw new ArgumentException(
                $"Penalty '{Name}' needs real and generated batches of the same shape [batch, ...], but received real {Shapes.Format(real.shape)} and generated {Shapes.Format(fake.shape)}. " +
                "Generate as many samples as real examples, shaped like the data.", nameof(fake));
    }
}
