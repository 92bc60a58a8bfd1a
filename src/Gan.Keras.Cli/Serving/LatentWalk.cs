using TorchSharp;

namespace Gan.Keras.Cli.Serving;

/// <summary>Latent vectors from seeds, and spherical interpolation between two of them, for <c>gan serve</c>.</summary>
internal static class LatentWalk
{
    /// <summary>Draws <c>[n, latentDim]</c> from N(0, 1) with a generator seeded by <paramref name="seed"/>: the latent vectors of <c>gan sample --seed</c>.</summary>
    public static torch.Tensor Latents(long seed, int n, int latentDim)
    {
        using var random = new torch.Generator((ulong)seed, torch.CPU);
        return torch.randn(new long[] { n, latentDim }, generator: random);
    }

    /// <summary>
    /// Interpolates each row spherically from <paramref name="from"/> (t = 0) to <paramref name="to"/> (t = 1), the usual
    /// walk through a Gaussian latent space (White, "Sampling Generative Networks", 2016): a straight line would pass
    /// through vectors much shorter than any the generator saw in training. Rows that are (anti)parallel are
    /// interpolated linearly.
    /// </summary>
    /// <returns>A new tensor; exactly <paramref name="from"/>'s values at t = 0 and <paramref name="to"/>'s at t = 1.</returns>
    public static torch.Tensor Slerp(torch.Tensor from, torch.Tensor to, double t)
    {
        ArgumentNullException.ThrowIfNull(from);
        ArgumentNullException.ThrowIfNull(to);
        if (t <= 0) return from.clone();
        if (t >= 1) return to.clone();
        using var scope = torch.NewDisposeScope();
        var a = from.to(torch.float64);
        var b = to.to(torch.float64);
        var cosine = (torch.nn.functional.normalize(a, dim: 1) * torch.nn.functional.normalize(b, dim: 1)).sum(1, keepdim: true).clamp(-1, 1);
        var omega = cosine.acos();
        var sine = omega.sin();
        var nearlyParallel = sine.abs() < 1e-6;
        var safeSine = torch.where(nearlyParallel, torch.ones_like(sine), sine);
        var wa = torch.where(nearlyParallel, torch.full_like(sine, 1 - t), ((1 - t) * omega).sin() / safeSine);
        var wb = torch.where(nearlyParallel, torch.full_like(sine, t), (t * omega).sin() / safeSine);
        return (wa * a + wb * b).to(from.dtype).MoveToOuterDisposeScope();
    }
}
