using Gan.Keras.Optimizers;
using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Tests.Optimizers;

/// <summary>Runs an optimizer on one scalar variable with given gradients and records the variable after each step.</summary>
internal static class OptimizerTestSupport
{
    public static double[] Trajectory(Optimizer optimizer, double start, params double[] gradients)
    {
        using var variable = new Parameter(torch.tensor(new[] { start }, torch.float64), requires_grad: true);
        var result = new List<double>();
        foreach (var g in gradients)
        {
            using var grad = torch.tensor(new[] { g }, torch.float64);
            optimizer.ApplyGradients(new[] { grad }, new[] { variable });
            result.Add(variable.item<double>());
        }
        return result.ToArray();
    }
}
