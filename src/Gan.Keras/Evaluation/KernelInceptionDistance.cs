using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// The kernel distance of two activation sets (the formula of the Kernel Inception Distance): the unbiased estimate of
/// the squared maximum mean discrepancy with the cubic polynomial kernel, averaged over random subsets.
/// </summary>
/// <remarks>
/// <c>k(x, y) = (xᵀy / d + 1)³</c>;
/// <c>MMD²ᵤ = Σ_{i≠j} k(xᵢ,xⱼ) / (m(m−1)) + Σ_{i≠j} k(yᵢ,yⱼ) / (m(m−1)) − 2 Σ_{i,j} k(xᵢ,yⱼ) / m²</c>
/// (Bińkowski et al., "Demystifying MMD GANs", ICLR 2018). Unbiased, so it can be slightly negative when both sets
/// come from the same distribution. Computed in float64.
/// </remarks>
public static class KernelInceptionDistance
{
    /// <summary>Computes the mean and standard deviation of MMD²ᵤ over <paramref name="subsets"/> random subsets of <paramref name="subsetSize"/> rows.</summary>
    /// <param name="first">Activations <c>[n₁, d]</c>.</param>
    /// <param name="second">Activations <c>[n₂, d]</c>.</param>
    /// <param name="subsets">The number of subsets (100 in the paper's code).</param>
    /// <param name="subsetSize">Rows per subset, capped at the smaller set's size (1,000 in the paper's code).</param>
    /// <param name="seed">Seed of the subset draws.</param>
    public static KernelDistance FromActivations(torch.Tensor first, torch.Tensor second, int subsets = 100, int subsetSize = 1_000, long seed = 0)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(subsets);
        ArgumentOutOfRangeException.ThrowIfLessThan(subsetSize, 2);
        FrechetDistance.CheckPair(first, second);
        using var scope = torch.NewDisposeScope();
        var x = first.detach().cpu().to_type(torch.float64);
        var y = second.detach().cpu().to_type(torch.float64);
        int m = (int)Math.Min(subsetSize, Math.Min(x.shape[0], y.shape[0]));
        // When a subset is the whole of both sets, every subset is the same: one is enough.
        if (m == x.shape[0] && m == y.shape[0]) subsets = 1;
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        var values = new double[subsets];
        for (int s = 0; s < subsets; s++)
        {
            using var inner = torch.NewDisposeScope();
            var xs = x.index_select(0, torch.randperm(x.shape[0], generator: generator)[..m]);
            var ys = y.index_select(0, torch.randperm(y.shape[0], generator: generator)[..m]);
            values[s] = UnbiasedMmd2(xs, ys);
        }
        double mean = values.Average();
        double std = Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / values.Length);
        return new KernelDistance(mean, std, subsets, m);
    }

    /// <summary>Computes MMD²ᵤ between two sets of the same size <c>[m, d]</c> with the cubic polynomial kernel, in float64.</summary>
    public static double UnbiasedMmd2(torch.Tensor x, torch.Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        FrechetDistance.CheckPair(x, y);
        if (x.shape[0] != y.shape[0])
            throw new ArgumentException($"Both sets must have the same number of rows, but got {x.shape[0]} and {y.shape[0]}.", nameof(y));
        using var scope = torch.NewDisposeScope();
        var a = x.to_type(torch.float64);
        var b = y.to_type(torch.float64);
        long m = a.shape[0], d = a.shape[1];
        var kxx = Kernel(a, a, d);
        var kyy = Kernel(b, b, d);
        var kxy = Kernel(a, b, d);
        double offXX = (kxx.sum() - kxx.diagonal().sum()).item<double>() / (m * (m - 1));
        double offYY = (kyy.sum() - kyy.diagonal().sum()).item<double>() / (m * (m - 1));
        double cross = kxy.sum().item<double>() / (m * m);
        return offXX + offYY - 2 * cross;
    }

    private static torch.Tensor Kernel(torch.Tensor a, torch.Tensor b, long d) => (a.matmul(b.T) / d + 1).pow(3);
}

/// <summary>The kernel distance over random subsets.</summary>
/// <param name="Mean">The mean of MMD²ᵤ over the subsets (the reported KID).</param>
/// <param name="Std">Its standard deviation over the subsets.</param>
/// <param name="Subsets">The number of subsets.</param>
/// <param name="SubsetSize">Rows per subset.</param>
public sealed record KernelDistance(double Mean, double Std, int Subsets, int SubsetSize);
