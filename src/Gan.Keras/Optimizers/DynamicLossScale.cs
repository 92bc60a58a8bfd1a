using TorchSharp;

namespace Gan.Keras.Optimizers;

/// <summary>
/// Dynamic loss scaling for <c>mixed_float16</c> training, as Keras 3's <c>LossScaleOptimizer</c>: the loss is
/// multiplied by <see cref="Scale"/> before differentiation so that small float16 gradients do not underflow; the
/// optimizer divides the gradients by it again, skips the update when any gradient is infinite or NaN (halving the
/// scale), and doubles the scale after <see cref="GrowthSteps"/> finite updates in a row.
/// </summary>
/// <remarks>
/// <para>Set it on an optimizer (<see cref="Optimizer.LossScale"/>); <c>GanModel.Compile</c> does so for a network
/// with a float16 layer (Keras's <c>compile</c> wraps the optimizer in a <c>LossScaleOptimizer</c> under
/// <c>mixed_float16</c>). A skipped update does not count in <see cref="Optimizer.Iterations"/> (Keras counts the
/// inner optimizer's iterations). The scale and the count of good steps are part of the optimizer's state
/// (<see cref="Optimizer.GetState"/>), so a resumed run scales exactly as an uninterrupted one.</para>
/// <para>Deciding whether to skip reads one boolean from the device per update, as PyTorch's <c>GradScaler</c> does.</para>
/// <para>Micikevicius et al., "Mixed Precision Training", ICLR 2018, section 3.2.</para>
/// </remarks>
public sealed class DynamicLossScale
{
    /// <summary>The state key of the current scale.</summary>
    internal const string ScaleKey = "loss_scale";

    /// <summary>The state key of the number of finite updates since the scale last changed.</summary>
    internal const string GoodStepsKey = "loss_scale_good_steps";

    /// <summary>Initializes a new instance of the <see cref="DynamicLossScale"/> class with Keras's defaults.</summary>
    /// <param name="initialScale">The first scale; Keras's 2¹⁵ by default. A positive, finite number.</param>
    /// <param name="growthSteps">Finite updates in a row after which the scale doubles; Keras's 2000 by default.</param>
    public DynamicLossScale(double initialScale = 32768, int growthSteps = 2000)
    {
        if (!(initialScale > 0) || double.IsInfinity(initialScale))
            throw new ArgumentOutOfRangeException(nameof(initialScale), initialScale, "The initial loss scale must be a positive, finite number (Keras's default is 2^15 = 32768).");
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(growthSteps);
        InitialScale = initialScale;
        GrowthSteps = growthSteps;
        Scale = initialScale;
    }

    /// <summary>Gets the scale the optimizer started with.</summary>
    public double InitialScale { get; }

    /// <summary>Gets the number of finite updates in a row after which the scale doubles.</summary>
    public int GrowthSteps { get; }

    /// <summary>Gets the current scale.</summary>
    public double Scale { get; private set; }

    /// <summary>Gets the number of finite updates since the scale last changed.</summary>
    public int GoodSteps { get; private set; }

    /// <summary>Gets the number of updates skipped for non-finite gradients so far (not saved).</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>Returns the loss multiplied by <see cref="Scale"/>: differentiate this instead of the loss.</summary>
    /// <param name="loss">The float32 loss.</param>
    public torch.Tensor ScaleLoss(torch.Tensor loss)
    {
        ArgumentNullException.ThrowIfNull(loss);
        return loss * Scale;
    }

    /// <summary>
    /// Divides scaled gradients by <see cref="Scale"/> in place and updates the scale: true when every gradient is
    /// finite (apply them), false when the update must be skipped (the scale was halved).
    /// </summary>
    /// <param name="flatGradients">All gradients of one update, scaled, in one tensor.</param>
    internal bool Unscale(torch.Tensor flatGradients)
    {
        using var scope = torch.NewDisposeScope();
        bool finite = flatGradients.isfinite().all().item<bool>();
        if (!finite)
        {
            Scale /= 2;
            GoodSteps = 0;
            SkippedSteps++;
            return false;
        }
        flatGradients.div_(Scale);
        if (++GoodSteps >= GrowthSteps)
        {
            Scale *= 2;
            GoodSteps = 0;
        }
        return true;
    }

    /// <summary>Adds the scale and the good-step count to an optimizer's saved state.</summary>
    internal void Save(IDictionary<string, torch.Tensor> state)
    {
        state[ScaleKey] = torch.tensor(Scale, torch.float64);
        state[GoodStepsKey] = torch.tensor((long)GoodSteps);
    }

    /// <summary>Restores the scale and the good-step count; state saved without them (a float32 run's) starts from <see cref="InitialScale"/>.</summary>
    internal void Restore(IReadOnlyDictionary<string, torch.Tensor> state)
    {
        Scale = state.TryGetValue(ScaleKey, out var scale) ? scale.to(torch.float64).item<double>() : InitialScale;
        GoodSteps = state.TryGetValue(GoodStepsKey, out var good) ? (int)good.to(torch.int64).item<long>() : 0;
    }

    /// <summary>Gets why a saved scale could not be restored, or null.</summary>
    internal static string? StateProblem(IReadOnlyDictionary<string, torch.Tensor> state)
    {
        if (state.TryGetValue(ScaleKey, out var scale) && (scale.numel() != 1 || !scale.is_floating_point() || !(scale.to(torch.float64).item<double>() is var s && s > 0 && !double.IsInfinity(s))))
            return $"Optimizer state '{ScaleKey}' must be one positive, finite number.";
        if (state.TryGetValue(GoodStepsKey, out var good) && (good.numel() != 1 || good.is_floating_point() || good.to(torch.int64).item<long>() is < 0 or > int.MaxValue))
            return $"Optimizer state '{GoodStepsKey}' must be one non-negative integer.";
        return null;
    }
}
