using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using Gan.Keras.Parity;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Parity;

/// <summary>
/// The seed article's MLP GAN built in Gan.Keras and in raw TorchSharp, from the same initial weights, batches and
/// aligned hyperparameters (PyTorch's Adam rule and ε), must produce the same losses.
/// </summary>
public class CrossBackendParityTests
{
    [Trait("Category", "Slow")]
    [Fact]
    public void GanKerasAndRawTorchSharp_GiveTheSameLosses_Over25Steps()
    {
        const int steps = 25, batch = 64, latent = 100;
        var generatorSpec = new MlpSpec(latent, new long[] { 128, 256, 512, 1024, 784 }, new[] { "leaky_relu:0.2", "leaky_relu:0.2", "leaky_relu:0.2", "leaky_relu:0.2", "tanh" });
        var discriminatorSpec = new MlpSpec(784, new long[] { 512, 256, 1 }, new[] { "leaky_relu:0.2", "leaky_relu:0.2", "sigmoid" });
        using var scope = torch.NewDisposeScope();
        using var random = new torch.Generator(2024, torch.CPU);
        var weights = RandomWeights(generatorSpec, "generator", random).Concat(RandomWeights(discriminatorSpec, "discriminator", random)).ToDictionary(kv => kv.Key, kv => kv.Value);
        var real = torch.rand(new long[] { steps, batch, 784 }, generator: random) * 2 - 1;
        var zD = torch.randn(new long[] { steps, batch, latent }, generator: random);
        var zG = torch.randn(new long[] { steps, batch, latent }, generator: random);

        using var reference = new TorchReferenceGan(generatorSpec, discriminatorSpec, weights, 2e-4, 0.5, 0.999, 1e-8);
        using var ours = KerasMlpGanFactory.Create(generatorSpec, discriminatorSpec, weights,
            () => new Adam(2e-4, 0.5, 0.999, 1e-8, AdamUpdateRule.Algorithm1), new BinaryCrossentropy());
        double maxDiff = 0;
        for (int k = 0; k < steps; k++)
        {
            var expected = reference.BceStep(real[k], zD[k], zG[k]);
            using var stepScope = torch.NewDisposeScope();
            var d = ours.TrainDiscriminatorStep(real[k], zD[k]);
            var (dLoss, dReal, dFake) = (d.Loss.item<float>(), d.RealScore.item<float>(), d.FakeScore.item<float>());
            double gLoss = ours.TrainGeneratorStep(zG[k]).item<float>();
            maxDiff = new[] { maxDiff, Math.Abs(dLoss - expected.DLoss), Math.Abs(gLoss - expected.GLoss), Math.Abs(dReal - expected.DReal), Math.Abs(dFake - expected.DFake) }.Max();
        }

        Assert.True(maxDiff <= 1e-5, $"max |Δ| over {steps} steps = {maxDiff:E2}");
    }

    private static Dictionary<string, torch.Tensor> RandomWeights(MlpSpec spec, string prefix, torch.Generator random)
    {
        var result = new Dictionary<string, torch.Tensor>();
        long inputs = spec.InputSize;
        for (int i = 0; i < spec.Units.Count; i++)
        {
            double limit = Math.Sqrt(6.0 / (inputs + spec.Units[i]));
            result[$"{prefix}.dense_{i}.kernel"] = torch.empty(inputs, spec.Units[i]).uniform_(-limit, limit, random);
            result[$"{prefix}.dense_{i}.bias"] = torch.empty(spec.Units[i]).uniform_(-0.01, 0.01, random);
            inputs = spec.Units[i];
        }
        return result;
    }
}
