using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// The classifier score (the Inception Score's formula, with any classifier): high when each sample is classified
/// confidently and the classes are used evenly. TF-GAN's <c>classifier_score_from_logits</c>.
/// </summary>
/// <remarks>
/// <c>exp(E_x KL(p(y|x) ‖ p(y)))</c>, with <c>p(y)</c> the mean prediction of the split (Salimans et al., "Improved
/// Techniques for Training GANs", NeurIPS 2016). Ranges from 1 to the number of classes. Computed in float64.
/// </remarks>
public static class ClassifierScore
{
    /// <summary>Computes the mean and standard deviation of the score over <paramref name="splits"/> equal splits.</summary>
    /// <param name="logits">Unnormalized class scores <c>[n, classes]</c>.</param>
    /// <param name="splits">The number of splits (10 in the paper's code); at most n.</param>
    public static (double Mean, double Std) FromLogits(torch.Tensor logits, int splits = 10)
    {
        ArgumentNullException.ThrowIfNull(logits);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(splits);
        if (logits.dim() != 2 || logits.shape[0] < splits)
            throw new ArgumentException($"Logits must be [n, classes] with n ≥ splits ({splits}), but got [{string.Join(", ", logits.shape)}].", nameof(logits));
        using var scope = torch.NewDisposeScope();
        var logP = torch.nn.functional.log_softmax(logits.detach().cpu().to_type(torch.float64), 1);
        long n = logP.shape[0];
        var scores = new double[splits];
        for (int s = 0; s < splits; s++)
        {
            long start = s * n / splits, end = (s + 1) * n / splits;
            var part = logP.narrow(0, start, end - start);
            var logMarginal = torch.logsumexp(part, 0, keepdim: true) - Math.Log(end - start);
            // p log(p / p(y)) with 0 log 0 = 0 (a saturated classifier gives p = 0 exactly).
            var p = part.exp();
            var kl = torch.where(p.gt(0), p * (part - logMarginal), torch.zeros_like(p)).sum(1).mean();
            scores[s] = Math.Exp(kl.item<double>());
        }
        double mean = scores.Average();
        return (mean, Math.Sqrt(scores.Sum(v => (v - mean) * (v - mean)) / splits));
    }
}
