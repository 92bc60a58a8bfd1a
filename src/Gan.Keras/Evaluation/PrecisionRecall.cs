using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// Improved precision and recall (Kynkäänniemi et al., "Improved Precision and Recall Metric for Assessing Generative
/// Models", NeurIPS 2019): each set's manifold is the union of balls around its points reaching their k-th nearest
/// neighbour; precision is the share of generated samples inside the real manifold (quality), recall the share of real
/// samples inside the generated manifold (coverage).
/// </summary>
public static class PrecisionRecall
{
    /// <summary>Computes precision and recall from real and generated activations.</summary>
    /// <param name="real">Real activations <c>[n, d]</c>, n &gt; k.</param>
    /// <param name="generated">Generated activations <c>[m, d]</c>, m &gt; k.</param>
    /// <param name="k">The neighbour that sets each ball's radius (3 in the paper).</param>
    public static PrecisionRecallResult FromActivations(torch.Tensor real, torch.Tensor generated, int k = 3)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(generated);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(k);
        FrechetDistance.CheckPair(real, generated);
        if (real.shape[0] <= k || generated.shape[0] <= k)
            throw new ArgumentException($"Each set needs more than k = {k} rows, but got {real.shape[0]} real and {generated.shape[0]} generated.", nameof(k));
        using var scope = torch.NewDisposeScope();
        var r = real.detach().cpu().to_type(torch.float64);
        var g = generated.detach().cpu().to_type(torch.float64);
        var realRadii = KthNeighbourRadii(r, k);
        var generatedRadii = KthNeighbourRadii(g, k);
        double precision = FractionInside(g, r, realRadii);
        double recall = FractionInside(r, g, generatedRadii);
        return new PrecisionRecallResult(precision, recall, k);
    }

    private const int Chunk = 1_024;

    // Distance from each point to its k-th nearest other point (index k of the sorted distances; index 0 is itself).
    private static torch.Tensor KthNeighbourRadii(torch.Tensor points, int k)
    {
        var radii = new List<torch.Tensor>();
        for (long start = 0; start < points.shape[0]; start += Chunk)
        {
            var rows = points.narrow(0, start, Math.Min(Chunk, points.shape[0] - start));
            var (values, _) = torch.cdist(rows, points).topk(k + 1, dim: 1, largest: false, sorted: true);
            radii.Add(values[.., k]);
        }
        return torch.cat(radii, 0);
    }

    // Share of queries within the ball of at least one manifold point.
    private static double FractionInside(torch.Tensor queries, torch.Tensor manifold, torch.Tensor radii)
    {
        long inside = 0;
        for (long start = 0; start < queries.shape[0]; start += Chunk)
        {
            using var scope = torch.NewDisposeScope();
            var rows = queries.narrow(0, start, Math.Min(Chunk, queries.shape[0] - start));
            var within = torch.cdist(rows, manifold).le(radii.unsqueeze(0)).any(1);
            inside += within.sum().item<long>();
        }
        return (double)inside / queries.shape[0];
    }
}

/// <summary>Improved precision and recall.</summary>
/// <param name="Precision">Share of generated samples inside the real manifold, in [0, 1].</param>
/// <param name="Recall">Share of real samples inside the generated manifold, in [0, 1].</param>
/// <param name="K">The neighbour that set the radii.</param>
public sealed record PrecisionRecallResult(double Precision, double Recall, int K);
