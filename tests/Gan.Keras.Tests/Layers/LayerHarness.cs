using Gan.Keras.Layers;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

/// <summary>One case of the layer harness.</summary>
/// <param name="Create">Creates a new, unbuilt layer.</param>
/// <param name="Inputs">Creates the input batch (several tensors for multi-input layers).</param>
/// <param name="ExpectedOutputShape">The expected output shape, batch included.</param>
/// <param name="ExpectedParams">The expected <see cref="Layer.CountParams"/> (trainable and non-trainable).</param>
/// <param name="ExpectedTrainableParams">The expected number of trainable scalars.</param>
/// <param name="Call">Runs the layer; by default the single-input <see cref="Layer.Call(torch.Tensor, bool)"/> on the first input.</param>
/// <param name="ComputeShape">Computes the per-example output shape from the per-example input shapes; by default <see cref="Layer.ComputeOutputShape(IReadOnlyList{long})"/> of the first.</param>
internal sealed record LayerCase(
    Func<Layer> Create,
    Func<torch.Tensor[]> Inputs,
    long[] ExpectedOutputShape,
    long ExpectedParams,
    long ExpectedTrainableParams,
    Func<Layer, torch.Tensor[], bool, torch.Tensor>? Call = null,
    Func<Layer, IReadOnlyList<long>[], IReadOnlyList<long>>? ComputeShape = null);

/// <summary>
/// The shared layer test (as Keras's <c>run_layer_test</c>): output shape from data and from shapes alone, parameter
/// count, configuration round trip through <see cref="LayerConfig.CreateLayer"/>, and one optimisation step that changes
/// the weights and lowers a loss (for layers without weights: gradients flow through to the input).
/// </summary>
internal static class LayerHarness
{
    public static void Run(LayerCase testCase)
    {
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(7);
        var call = testCase.Call ?? ((layer, inputs, training) => layer.Call(inputs[0], training));
        var computeShape = testCase.ComputeShape ?? ((layer, shapes) => layer.ComputeOutputShape(shapes[0]));
        using var layer = testCase.Create();
        var inputs = testCase.Inputs();
        var perExample = inputs.Select(t => (IReadOnlyList<long>)t.shape.Skip(1).ToArray()).ToArray();

        // Output shape: from data, and from shapes alone
        var output = call(layer, inputs, false);
        Assert.Equal(testCase.ExpectedOutputShape, output.shape);
        Assert.Equal(testCase.ExpectedOutputShape.Skip(1), computeShape(layer, perExample));

        // Parameter count
        Assert.Equal(testCase.ExpectedParams, layer.CountParams());
        Assert.Equal(testCase.ExpectedTrainableParams, layer.TrainableVariables.Sum(v => v.numel()));

        // Configuration round trip
        var config = layer.GetConfig();
        using (var copy = config.CreateLayer())
        {
            Assert.Equal(config, copy.GetConfig());
            Assert.Equal(layer.GetType(), copy.GetType());
            Assert.Equal(testCase.ExpectedOutputShape, call(copy, inputs, false).shape);
            Assert.Equal(testCase.ExpectedParams, copy.CountParams());
        }

        // One optimisation step
        var variables = layer.TrainableVariables;
        if (variables.Count == 0)
        {
            var input = inputs[0].detach().clone().requires_grad_(true);
            var y = call(layer, new[] { input }.Concat(inputs.Skip(1)).ToArray(), true);
            var gradient = torch.autograd.grad(new[] { y.square().sum() }, new[] { input })[0];
            Assert.True(gradient.abs().sum().item<float>() > 0, "A layer without weights must pass gradients to its input.");
            return;
        }
        var target = torch.randn(testCase.ExpectedOutputShape);
        torch.Tensor Loss() => (call(layer, inputs, true) - target).square().mean();
        var before = variables.Select(v => v.detach().clone()).ToArray();
        var loss0 = Loss();
        var grads = torch.autograd.grad(new[] { loss0 }, variables.Cast<torch.Tensor>().ToArray(), allow_unused: true)
            .Select((g, i) => g is null || g.IsInvalid ? torch.zeros_like(variables[i]) : g).ToArray();
        new SGD(learningRate: 0.05).ApplyGradients(grads, variables);
        double loss1;
        using (torch.no_grad()) loss1 = Loss().item<float>();
        Assert.Contains(variables.Select((v, i) => (v - before[i]).abs().max().item<float>()), change => change > 0);
        Assert.True(loss1 < loss0.item<float>(), $"One SGD step should lower the loss: {loss0.item<float>()} -> {loss1}.");
    }
}
