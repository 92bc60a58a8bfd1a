using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Measures how strongly the generator's loss pulls on the generator's weights, outside the training step: the root mean
/// square of ∂L_G/∂θ_G over all trainable generator weights (‖∂L_G/∂θ_G‖₂ / √count), on given latent vectors. Used by the training-health monitor to
/// see vanishing generator gradients (Goodfellow et al. 2014, §3: the saturating loss gives none once D wins).
/// </summary>
/// <remarks>
/// Both networks run in inference mode and without augmentation, so the measurement changes nothing that training
/// keeps: no optimizer step, no batch-normalization statistics, no spectral-norm iteration, no random draw. Gradients
/// come from <c>torch.autograd.grad</c> (no <c>.grad</c> is touched). The raw generator is measured, not its average.
/// </remarks>
internal static class GeneratorGradient
{
    /// <summary>Gets the gradient's root mean square on <paramref name="latent"/> <c>[n, latentDim]</c> (any device; moved to the model's).</summary>
    public static double Rms(GanModel gan, torch.Tensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        using var scope = torch.NewDisposeScope();
        var z = latent.detach().to(gan.DType, gan.Device);
        var labels = gan.DefaultLabels(z.shape[0])?.to(gan.Device);
        var variables = gan.Generator.TrainableVariables;
        if (variables.Count == 0) return 0;
        using var tape = new GradientTape();
        var inputs = gan.CompleteGeneratorInputs(z, labels);
        var output = gan.DiscriminatorCall(gan.GeneratorCall(inputs, training: false), labels, training: false)[0];
        var loss = gan.Loss.GeneratorLoss(output);
        var grads = tape.Gradient(loss, variables);
        using var noGrad = torch.no_grad();
        var squares = torch.stack(grads.Select(g => g.to(torch.float64).square().sum()).ToArray()).sum();
        long count = variables.Sum(v => v.numel());
        return Math.Sqrt(HostReads.Read(squares.reshape(1))[0] / count);
    }
}
