using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// Class coverage of generated images: the histogram of the classes a classifier predicts for them, how many classes
/// appear, and the KL divergence of the histogram from uniform (0 when every class is equally frequent, <c>log C</c>
/// when one class takes everything) — mode collapse on labelled data shows as a high KL.
/// </summary>
public static class ClassCoverage
{
    /// <summary>Computes the coverage from classifier logits <c>[n, classes]</c>.</summary>
    /// <param name="logits">Classifier outputs for the generated samples.</param>
    public static ClassCoverageResult FromLogits(torch.Tensor logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.dim() != 2 || logits.shape[0] == 0)
            throw new ArgumentException($"Logits must be [n, classes] with n > 0, but got [{string.Join(", ", logits.shape)}].", nameof(logits));
        using var scope = torch.NewDisposeScope();
        int classes = (int)logits.shape[1];
        var predicted = logits.detach().cpu().argmax(1);
        var counts = torch.bincount(predicted, minlength: classes).data<long>().ToArray();
        long total = counts.Sum();
        double kl = 0;
        foreach (long count in counts)
        {
            if (count == 0) continue;
            double p = (double)count / total;
            kl += p * Math.Log(p * classes);
        }
        return new ClassCoverageResult(counts.Select(c => (int)c).ToArray(), counts.Count(c => c > 0), kl);
    }
}

/// <summary>Predicted-class histogram of generated samples.</summary>
/// <param name="Counts">Samples predicted as each class.</param>
/// <param name="ClassesCovered">Classes predicted at least once.</param>
/// <param name="KlFromUniform">KL divergence of the histogram from the uniform distribution over classes.</param>
public sealed record ClassCoverageResult(IReadOnlyList<int> Counts, int ClassesCovered, double KlFromUniform);
