using Gan.Keras.Export;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Parity;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Parity;

/// <summary>
/// Replays PyTorch traces of GAN steps on functional graphs (tools/oracles/torch_functional_trace.py): an AC-GAN step
/// with a two-input generator and a two-output discriminator whose losses are summed, and a residual generator joined
/// by <see cref="Add"/>. Within the torch tier of <see cref="ParityTolerances"/>.
/// </summary>
public class FunctionalParityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const int Latent = 6, Classes = 3, Features = 4, Hidden = 8;

    private static GanModel Acgan()
    {
        var z = Keras.Input([Latent], name: "latent");
        var y = Keras.Input([1], torch.int64, name: "labels");
        var joined = new Multiply().Call(z, new Flatten().Call(new Embedding(Classes, Latent, name: "embedding").Call(y)));
        var generator = new Functional([z, y], new Dense(Features, "tanh", name: "out").Call(new Dense(Hidden, "relu", name: "hidden").Call(joined)), name: "generator");
        return new GanModel(generator, TwoHeads(), [GeneratorInput.Latent(Latent), GeneratorInput.Labels(Classes)], seed: 0);
    }

    private static Functional TwoHeads(bool classHead = true)
    {
        var x = Keras.Input([Features], name: "samples");
        var h = new Dense(Hidden, "leaky_relu", name: "features").Call(x);
        var validity = new Dense(1, name: "validity").Call(h);
        return classHead
            ? new Functional(x, [validity, new Dense(Classes, name: "classes").Call(h)], name: "discriminator")
            : new Functional(x, validity, name: "discriminator");
    }

    private static GanModel Residual()
    {
        var z = Keras.Input([Latent], name: "latent");
        var branch = new Dense(Latent, name: "branch").Call(new Dense(Latent, "tanh", name: "first").Call(z));
        var generator = new Functional(z, new Dense(Features, "tanh", name: "out").Call(new Add().Call(z, branch)), name: "generator");
        return new GanModel(generator, TwoHeads(classHead: false), Latent, seed: 0);
    }

    [Theory]
    [InlineData("acgan")]
    [InlineData("residual")]
    public void Replay_MatchesThePyTorchTrace_WithinTheTorchTier(string name)
    {
        // Given the trace's initial weights in the same graph, and Adam as PyTorch's (Algorithm 1)
        var (tensors, metadata) = SafeTensorsFile.Load(Path.Combine(TestPaths.Golden, $"torch_functional_{name}_seed1.safetensors"));
        using var gan = name == "acgan" ? Acgan() : Residual();
        gan.AssignWeights(Slice(tensors, "initial."), "trace");
        Optimizer NewAdam() => new Adam(1e-2, 0.5, 0.999, 1e-8, AdamUpdateRule.Algorithm1);
        if (name == "acgan") gan.Compile(NewAdam(), NewAdam(), new NonSaturatingLoss(), [new OutputLoss(new SparseCategoricalCrossentropy(fromLogits: true), OutputTarget.Labels)]);
        else gan.Compile(NewAdam(), NewAdam(), new NonSaturatingLoss());
        int steps = int.Parse(metadata["steps"], System.Globalization.CultureInfo.InvariantCulture);

        // When every step is replayed on the recorded batch, labels and latent vectors
        var dLosses = new List<double>();
        var gLosses = new List<double>();
        for (int step = 0; step < steps; step++)
        {
            var yReal = tensors[$"step{step}.y_real"].to(torch.int64);
            var yFake = tensors[$"step{step}.y_fake"].to(torch.int64);
            LatentBatch Inputs(string z) => name == "acgan" ? new LatentBatch([tensors[$"step{step}.{z}"], yFake], yFake) : new LatentBatch([tensors[$"step{step}.{z}"]], null);
            dLosses.Add(gan.TrainDiscriminatorStep(tensors[$"step{step}.x"], Inputs("z_d"), name == "acgan" ? yReal : null).Loss.item<float>());
            gLosses.Add(gan.TrainGeneratorStep(Inputs("z_g")).item<float>());
        }

        // Then losses and final weights agree with PyTorch's
        var tolerance = ParityTolerances.Torch;
        var expectedD = tensors["d_loss"].data<float>().ToArray();
        var expectedG = tensors["g_loss"].data<float>().ToArray();
        for (int step = 0; step < steps; step++)
        {
            double limit = step < 5 ? tolerance.First5Steps : tolerance.AllSteps;
            Assert.True(Math.Abs(dLosses[step] - expectedD[step]) <= limit, $"step {step}: d_loss {dLosses[step]} vs PyTorch {expectedD[step]}");
            Assert.True(Math.Abs(gLosses[step] - expectedG[step]) <= limit, $"step {step}: g_loss {gLosses[step]} vs PyTorch {expectedG[step]}");
        }
        var final = Slice(tensors, "final.");
        var weights = gan.WeightTensors();
        Assert.Equal(final.Keys.Order(), weights.Keys.Order());
        float worstWeight = 0;
        foreach (var (key, expected) in final)
        {
            float error = (weights[key] - expected).abs().max().item<float>();
            worstWeight = Math.Max(worstWeight, error);
            Assert.True(error <= tolerance.FinalWeights, $"{key}: max |Δ| {error}");
        }
        double First5(List<double> actual, float[] expected) => Enumerable.Range(0, Math.Min(5, steps)).Max(i => Math.Abs(actual[i] - expected[i]));
        double All(List<double> actual, float[] expected) => Enumerable.Range(0, steps).Max(i => Math.Abs(actual[i] - expected[i]));
        output.WriteLine($"{name}: losses steps 0-4 {Math.Max(First5(dLosses, expectedD), First5(gLosses, expectedG)):G2}, all steps {Math.Max(All(dLosses, expectedD), All(gLosses, expectedG)):G2}, final weights {worstWeight:G2}");
        // The class head mattered: without its terms the first discriminator loss would differ by more than the tolerance.
        if (name == "acgan") Assert.True(expectedD[0] > 2.5, $"AC-GAN d_loss {expectedD[0]} should include two cross-entropy terms");
    }

    private static Dictionary<string, torch.Tensor> Slice(IReadOnlyDictionary<string, torch.Tensor> tensors, string prefix) =>
        tensors.Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal)).ToDictionary(kv => kv.Key[prefix.Length..], kv => kv.Value);
}
