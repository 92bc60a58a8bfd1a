using Gan.Keras.Internal;
using TorchSharp;

namespace Gan.Keras.Losses;

/// <summary>
/// Cross-entropy with integer class targets, as Keras's <c>SparseCategoricalCrossentropy</c>: <c>−log p_y</c> per
/// example. Targets are class indices <c>[batch]</c> or <c>[batch, 1]</c> (Keras's shape); predictions <c>[batch, K]</c>,
/// probabilities from a softmax (Keras's default; normalised and clipped to [ε, 1−ε] first) or logits.
/// </summary>
public sealed class SparseCategoricalCrossentropy : Loss
{
    /// <summary>Initializes a new instance of the <see cref="SparseCategoricalCrossentropy"/> class.</summary>
    /// <param name="fromLogits">Whether predictions are logits (true) or probabilities from a softmax (false, Keras's default).</param>
    public SparseCategoricalCrossentropy(bool fromLogits = false) => FromLogits = fromLogits;

    /// <summary>Gets a value indicating whether predictions are logits.</summary>
    public bool FromLogits { get; }

    /// <inheritdoc />
    public override bool ExpectsLogits => FromLogits;

    /// <inheritdoc />
    protected override void CheckShapes(torch.Tensor yTrue, torch.Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        bool fits = yPred.dim() == 2 && yTrue.shape[0] == yPred.shape[0] && (yTrue.dim() == 1 || (yTrue.dim() == 2 && yTrue.shape[1] == 1));
        if (!fits)
            throw new ArgumentException(
                $"SparseCategoricalCrossentropy takes class indices [batch] or [batch, 1] and predictions [batch, classes], but received yTrue {Shapes.Format(yTrue.shape)} and yPred {Shapes.Format(yPred.shape)}.",
                nameof(yTrue));
    }

    /// <inheritdoc />
    protected override torch.Tensor PerExample(torch.Tensor yTrue, torch.Tensor yPred)
    {
        using var scope = torch.NewDisposeScope();
        var indices = yTrue.reshape(-1).to(torch.int64).unsqueeze(1);
        var logProbabilities = FromLogits ? torch.nn.functional.log_softmax(yPred, -1) : CategoricalCrossentropy.LogOfProbabilities(yPred);
        return (-logProbabilities.gather(1, indices).squeeze(1)).MoveToOuterDisposeScope();
    }
}
