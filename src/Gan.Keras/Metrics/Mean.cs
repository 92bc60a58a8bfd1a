using TorchSharp;

namespace Gan.Keras.Metrics;

/// <summary>
/// The (weighted) mean of the values it is given, as Keras's <c>keras.metrics.Mean</c>: each example's values are first
/// averaged, then <c>result = Σ_i w_i·v_i / Σ_i w_i</c> over every example added since the last reset (w = 1 without
/// weights). Keras's GAN examples track <c>d_loss</c> and <c>g_loss</c> with it.
/// </summary>
public sealed class Mean : Metric
{
    /// <summary>Initializes a new instance of the <see cref="Mean"/> class.</summary>
    /// <param name="name">The name in logs; <c>mean</c> by default.</param>
    public Mean(string? name = null) : base(name)
    {
    }

    /// <summary>Adds values: a scalar counts as one example, a batch <c>[batch, ...]</c> as one example per row.</summary>
    /// <param name="values">The values; read without a gradient.</param>
    /// <param name="sampleWeight">Optional weights broadcastable to <paramref name="values"/> (one per example: <c>[batch]</c>).</param>
    /// <exception cref="ArgumentException">The weights do not broadcast to the values.</exception>
    public void UpdateState(torch.Tensor values, torch.Tensor? sampleWeight = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var v = values.detach().to(torch.float32);
        torch.Tensor? w = null;
        if (sampleWeight is not null)
        {
            w = sampleWeight.detach().to(torch.float32).to(v.device);
            while (w.dim() < v.dim()) w = w.unsqueeze(-1);
            if (w.dim() > v.dim() || !CanBroadcast(w.shape, v.shape))
                throw new ArgumentException($"Metric '{Name}': sampleWeight of shape [{string.Join(", ", sampleWeight.shape)}] does not broadcast to values of shape [{string.Join(", ", values.shape)}]; give one weight per example.", nameof(sampleWeight));
            w = w.expand(v.shape);
            v = v * w;
        }
        // Per example: the mean of its values (Keras's reduce_to_samplewise_values).
        if (v.dim() > 1)
        {
            var axes = Enumerable.Range(1, (int)v.dim() - 1).Select(a => (long)a).ToArray();
            v = v.mean(axes);
            w = w?.mean(axes);
        }
        var total = Variable("total", v.device);
        var count = Variable("count", v.device);
        total.add_(v.sum());
        if (w is not null) count.add_(w.sum());
        else count.add_(v.dim() == 0 ? 1 : v.shape[0]);
    }

    /// <inheritdoc />
    /// <remarks>0 before any update or when the weights sum to 0 (Keras's <c>divide_no_nan</c>).</remarks>
    public override torch.Tensor Result()
    {
        if (FindVariable("total") is not { } total || FindVariable("count") is not { } count) return torch.zeros(Array.Empty<long>(), torch.float32);
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        var empty = count == 0;
        var safeCount = torch.where(empty, torch.ones_like(count), count);
        return torch.where(empty, torch.zeros_like(total), total / safeCount).MoveToOuterDisposeScope();
    }

    private static bool CanBroadcast(long[] from, long[] to) => from.Zip(to).All(d => d.First == d.Second || d.First == 1);
}
