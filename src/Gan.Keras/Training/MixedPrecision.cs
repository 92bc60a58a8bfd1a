using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// What a training step does for mixed precision, beyond the layers' own casting (<see cref="DtypePolicy"/>): outputs
/// that feed losses in float32, losses scaled for float16 gradients, and loss scaling switched on at <c>Compile</c>
/// for a network with a float16 layer (as Keras's <c>compile</c> wraps the optimizer in a <c>LossScaleOptimizer</c>).
/// </summary>
internal static class MixedPrecision
{
    /// <summary>Returns a model output as a loss takes it: float16 and bfloat16 cast to float32, anything else unchanged (an alias).</summary>
    public static torch.Tensor ToLossDtype(torch.Tensor output) =>
        DtypePolicy.IsHalf(output.dtype) ? output.to(torch.float32) : output;

    /// <summary>Returns what to differentiate for <paramref name="optimizer"/>: the loss times its loss scale, or the loss itself without one.</summary>
    public static torch.Tensor ScaledForGradient(torch.Tensor loss, Optimizer optimizer) =>
        optimizer.LossScale is { } scale ? scale.ScaleLoss(loss) : loss;

    /// <summary>Gets the loss scale a gradient penalty uses in an update of <paramref name="optimizer"/> (1 without loss scaling).</summary>
    public static double PenaltyScale(Optimizer optimizer) => optimizer.LossScale?.Scale ?? 1;

    /// <summary>Gives <paramref name="optimizer"/> a <see cref="DynamicLossScale"/> with Keras's defaults when <paramref name="model"/> computes in float16 anywhere and it has none.</summary>
    public static void ConfigureLossScale(Model model, Optimizer optimizer)
    {
        if (optimizer.LossScale is null && model.SelfAndDescendants().Any(layer => layer.DtypePolicy.NeedsLossScaling))
            optimizer.LossScale = new DynamicLossScale();
    }
}
