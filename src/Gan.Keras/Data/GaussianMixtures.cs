using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>
/// Built-in 2-D benchmark distributions (no download), as used by VEEGAN and PacGAN to measure mode collapse.
/// </summary>
public static class GaussianMixtures
{
    /// <summary>Gets the standard deviation of each <see cref="Ring8"/> component.</summary>
    public const double Ring8Sigma = 0.01;

    /// <summary>Gets the standard deviation of each <see cref="Grid25"/> component.</summary>
    public const double Grid25Sigma = 0.05;

    /// <summary>The 8 means of <see cref="Ring8"/>: <c>(cos 2πi/8, sin 2πi/8)</c>.</summary>
    public static double[,] Ring8Means()
    {
        var means = new double[8, 2];
        for (int i = 0; i < 8; i++)
        {
            means[i, 0] = Math.Cos(2 * Math.PI * i / 8);
            means[i, 1] = Math.Sin(2 * Math.PI * i / 8);
        }
        return means;
    }

    /// <summary>The 25 means of <see cref="Grid25"/>: <c>(−4 + 2i, −4 + 2j)</c>, i, j ∈ {0..4}.</summary>
    public static double[,] Grid25Means()
    {
        var means = new double[25, 2];
        for (int i = 0; i < 5; i++)
            for (int j = 0; j < 5; j++)
            {
                means[i * 5 + j, 0] = -4 + 2 * i;
                means[i * 5 + j, 1] = -4 + 2 * j;
            }
        return means;
    }

    /// <summary>8 Gaussians on the unit circle, σ = 0.01, equally weighted.</summary>
    public static InMemoryDataset Ring8(int count = 10_000, long seed = 0) => Sample(Ring8Means(), Ring8Sigma, count, seed, "ring8");

    /// <summary>25 Gaussians on a 5×5 grid with spacing 2, σ = 0.05, equally weighted.</summary>
    public static InMemoryDataset Grid25(int count = 10_000, long seed = 0) => Sample(Grid25Means(), Grid25Sigma, count, seed, "grid25");

    /// <summary>Draws <paramref name="count"/> points from an equal-weight mixture; labels are the component indices.</summary>
    public static InMemoryDataset Sample(double[,] means, double sigma, int count, long seed, string name)
    {
        ArgumentNullException.ThrowIfNull(means);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sigma);
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator((ulong)seed, torch.CPU);
        int modes = means.GetLength(0);
        var component = torch.randint(modes, new long[] { count }, generator: generator);
        var centres = torch.tensor(means.Cast<double>().Select(v => (float)v).ToArray(), new long[] { modes, 2 });
        var points = centres.index_select(0, component) + torch.randn(new long[] { count, 2 }, generator: generator) * sigma;
        return new InMemoryDataset(points, component, name);
    }
}
