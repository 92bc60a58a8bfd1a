using TorchSharp;

namespace Gan.Keras.Metrics;

/// <summary>
/// A metric that averages a function of targets and predictions over every example seen, as Keras's
/// <c>MeanMetricWrapper</c>: the base of the accuracy metrics. Subclasses give the per-element values with
/// <see cref="Compute"/>.
/// </summary>
public abstract class MeanMetricWrapper : Metric
{
    private readonly Mean mean;

    /// <summary>Initializes a new instance of the <see cref="MeanMetricWrapper"/> class.</summary>
    /// <param name="name">The name in logs; the snake-case type name when null.</param>
    protected MeanMetricWrapper(string? name) : base(name) => mean = new Mean(Name);

    /// <summary>Adds a batch of targets and predictions, as Keras's <c>update_state(y_true, y_pred, sample_weight)</c>.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions, on the same device.</param>
    /// <param name="sampleWeight">Optional weights, one per example (<c>[batch]</c>).</param>
    public void UpdateState(torch.Tensor yTrue, torch.Tensor yPred, torch.Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        using var noGrad = torch.no_grad();
        using var values = Compute(yTrue.detach(), yPred.detach());
        mean.UpdateState(values, sampleWeight);
    }

    /// <inheritdoc />
    public override torch.Tensor Result() => mean.Result();

    /// <inheritdoc />
    public override void ResetState()
    {
        base.ResetState();
        mean.ResetState();
    }

    /// <summary>The values to average, <c>[batch, ...]</c> (1 for a correct prediction, 0 otherwise, for accuracies); a new tensor.</summary>
    /// <param name="yTrue">The targets.</param>
    /// <param name="yPred">The predictions.</param>
    protected abstract torch.Tensor Compute(torch.Tensor yTrue, torch.Tensor yPred);

    /// <summary>
    /// Makes targets and predictions the same rank as Keras's <c>squeeze_or_expand_to_same_rank</c> does: a trailing axis
    /// of size 1 on the one with one more axis is removed (labels <c>[batch]</c> against scores <c>[batch, 1]</c>).
    /// </summary>
    /// <exception cref="ArgumentException">The shapes still differ.</exception>
    protected (torch.Tensor YTrue, torch.Tensor YPred) SameShape(torch.Tensor yTrue, torch.Tensor yPred)
    {
        ArgumentNullException.ThrowIfNull(yTrue);
        ArgumentNullException.ThrowIfNull(yPred);
        if (yTrue.dim() == yPred.dim() + 1 && yTrue.shape[^1] == 1) yTrue = yTrue.squeeze(-1);
        else if (yPred.dim() == yTrue.dim() + 1 && yPred.shape[^1] == 1) yPred = yPred.squeeze(-1);
        if (!yTrue.shape.SequenceEqual(yPred.shape))
            throw new ArgumentException($"Metric '{Name}': yTrue has shape [{string.Join(", ", yTrue.shape)}] but yPred has [{string.Join(", ", yPred.shape)}]; they must match.", nameof(yTrue));
        return (yTrue, yPred);
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing) mean.Dispose();
        base.Dispose(disposing);
    }
}
