using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// Binary cross-entropy, as Keras's <c>BinaryCrossentropy</c>. With probabilities (<c>fromLogits: false</c>) they are
/// first clipped to [ε, 1−ε] (ε = 1e-7, Keras's backend epsilon), so the loss stays finite and the gradient flows only
/// inside that range. With logits it uses the stable form <c>max(x,0) − x·y + log(1 + e^−|x|)</c>. Targets may lie outside
/// [0, 1] (noisy labels such as <c>1 + 0.05·u</c>), as TensorFlow's Keras allows: the loss is the same linear function of y.
/// </summary>
/// <remarks>
/// Passing <c>fromLogits: true</c> the output of a sigmoid is the seed article's TensorFlow bug: the sigmoid is then
/// applied twice and the loss can never reach zero. This loss warns once when it sees that.
/// </remarks>
public sealed class BinaryCrossentropy : Loss
{
    private bool warnedAboutSigmoid;

    /// <summary>Initializes a new instance of the <see cref="BinaryCrossentropy"/> class.</summary>
    /// <param name="fromLogits">Whether predictions are logits (true) or probabilities (false, Keras's default).</param>
    /// <param name="labelSmoothing">Targets become <c>y·(1−s) + 0.5·s</c>; in [0, 1].</param>
    /// <param name="epsilon">Clipping bound for probabilities; Keras's backend epsilon 1e-7 by default.</param>
    public BinaryCrossentropy(bool fromLogits = false, double labelSmoothing = 0.0, double epsilon = 1e-7)
    {
        if (labelSmoothing < 0 || labelSmoothing > 1)
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "labelSmoothing must be in [0, 1].");
        if (epsilon < 0 || epsilon >= 0.5)
            throw new ArgumentOutOfRangeException(nameof(epsilon), epsilon, "epsilon must be in [0, 0.5).");
        FromLogits = fromLogits;
        LabelSmoothing = labelSmoothing;
        Epsilon = epsilon;
    }

    /// <summary>Gets a value indicating whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <summary>Gets the label smoothing factor.</summary>
    public double LabelSmoothing { get; }

    /// <summary>Gets the probability clipping bound.</summary>
    public double Epsilon { get; }

    /// <inheritdoc />
    public override bool ExpectsLogits => FromLogits;

    /// <inheritdoc />
    protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        var target = LabelSmoothing > 0 ? yTrue * (1 - LabelSmoothing) + 0.5 * LabelSmoothing : yTrue;
        torch.Tensor elementwise;
        if (FromLogits)
        {
            if (!warnedAboutSigmoid && TensorProvenance.IsSigmoidOutput(yPred))
            {
                warnedAboutSigmoid = true;
                Warnings.Emit("BinaryCrossentropy received fromLogits: true, but the predictions come from a sigmoid activation, so they are probabilities, not logits. " +
                              "Remove the sigmoid from the model's last layer, or use fromLogits: false.");
            }
            elementwise = torch.nn.functional.binary_cross_entropy_with_logits(yPred, target, reduction: torch.nn.Reduction.None);
        }
        else
        {
            // As Keras 3's torch backend: clip, then libtorch's binary_cross_entropy (also PyTorch's BCELoss kernel).
            var clipped = yPred.clamp((float)Epsilon, (float)(1 - Epsilon));
            // libtorch's kernel refuses targets outside [0, 1]; TensorFlow's −(y·log p + (1 − y)·log(1 − p)) takes any y
            // (keras-io's DCGAN trains on labels 1 + 0.05·U[0, 1)). The loss is linear in y, so the part of y beyond
            // [0, 1] adds (y − clip(y))·(log(1 − p) − log p): exactly zero, value and gradient, for targets inside.
            var inside = target.clamp(0f, 1f);
            elementwise = torch.nn.functional.binary_cross_entropy(clipped, inside, reduction: torch.nn.Reduction.None)
                + (target - inside) * (torch.log1p(-clipped) - torch.log(clipped));
        }
        var perExample = yPred.dim() > 1 ? elementwise.mean(new long[] { -1 }) : elementwise;
        return perExample.MoveToOuterDisposeScope();
    }
}
