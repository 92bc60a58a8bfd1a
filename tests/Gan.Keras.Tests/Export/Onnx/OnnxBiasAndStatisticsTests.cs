using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>
/// The exported graph against the model on weights where every term counts: non-zero, asymmetric biases and batch
/// normalisation with moved statistics, offset and scale (freshly built layers have zero biases and statistics 0 and 1,
/// so a converter that drops them would still match). Goes through the public export, so it holds wherever the
/// conversion lives.
/// </summary>
public class OnnxBiasAndStatisticsTests
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Stacks => new() { "dense", "conv2d", "conv2d-transpose-same", "conv2d-transpose-valid", "batch-norm-features", "batch-norm-maps", "spectral-conv2d" };

    [Theory]
    [MemberData(nameof(Stacks))]
    public void ExportedGenerator_MatchesTheModel_WithNonZeroBiasesAndMovedStatistics(string stack)
    {
        // Given a generator of that stack whose biases, offsets, scales and moving statistics are all non-zero and uneven
        RandomSeed.Set(5);
        using var gan = Wrap(Layers(stack), latentDim: 3);
        Randomize(gan.Generator);
        string path = Path.Combine(TestPaths.NewTempFolder(), "generator.onnx");
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 5, 3 }, generator: new torch.Generator(8));

        // When it is exported and both run the same latent vectors
        gan.ExportGenerator(path);
        using var onnx = new OnnxRunner(File.ReadAllBytes(path));
        var expected = gan.GenerateFrom(z);
        var actual = onnx.Run(z);

        // Then they agree, and would not without those terms: zeroing them moves the model's output well beyond the tolerance
        float difference = (expected - actual).abs().max().item<float>();
        Assert.True(difference <= Tolerance, $"{stack}: max |Δ| {difference:E2}");
        Neutralize(gan.Generator);
        float effect = (gan.GenerateFrom(z) - expected).abs().max().item<float>();
        Assert.True(effect > 1e-2, $"{stack}: the biases and statistics change the output by only {effect:E2}");
    }

    private static Layer[] Layers(string stack) => stack switch
    {
        "dense" => new Layer[] { new Dense(6, "tanh"), new Dense(4) },
        "conv2d" => new Layer[] { new Dense(32), new Reshape(new long[] { 2, 4, 4 }), new Conv2D(3, 3, padding: "same"), new Conv2D(2, 2, strides: 2) },
        "conv2d-transpose-same" => new Layer[] { new Dense(32), new Reshape(new long[] { 2, 4, 4 }), new Conv2DTranspose(3, 3, strides: 2, padding: "same") },
        "conv2d-transpose-valid" => new Layer[] { new Dense(18), new Reshape(new long[] { 2, 3, 3 }), new Conv2DTranspose(2, 2, strides: 3, padding: "valid") },
        "batch-norm-features" => new Layer[] { new Dense(6), new BatchNormalization(), new Dense(3) },
        "batch-norm-maps" => new Layer[] { new Dense(32), new Reshape(new long[] { 2, 4, 4 }), new Conv2D(3, 3, padding: "same"), new BatchNormalization(epsilon: 1e-5) },
        "spectral-conv2d" => new Layer[] { new Dense(32), new Reshape(new long[] { 2, 4, 4 }), new SpectralNormalization(new Conv2D(3, 3, padding: "same")) },
        _ => throw new ArgumentOutOfRangeException(nameof(stack), stack, null),
    };

    /// <summary>Biases and offsets ±(0.5…1.5), scales 0.5…1.5, moving means ±(0.5…1.5), moving variances 0.5…2.</summary>
    private static void Randomize(Model generator)
    {
        using var noGrad = torch.no_grad();
        using var random = new torch.Generator(17);
        foreach (var (name, tensor) in generator.state_dict())
        {
            if (IsOffset(name))
            {
                var magnitude = torch.rand(tensor.shape, generator: random) + 0.5;
                var sign = torch.rand(tensor.shape, generator: random).lt(0.5).to(tensor.dtype) * 2 - 1;
                tensor.copy_(magnitude * sign);
            }
            else if (name.EndsWith(".gamma", StringComparison.Ordinal))
                tensor.copy_(torch.rand(tensor.shape, generator: random) + 0.5);
            else if (name.EndsWith(".moving_variance", StringComparison.Ordinal))
                tensor.copy_(torch.rand(tensor.shape, generator: random) * 1.5 + 0.5);
        }
    }

    /// <summary>Sets what <see cref="Randomize"/> moved back to a fresh layer's values: offsets 0, scales and variances 1.</summary>
    private static void Neutralize(Model generator)
    {
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in generator.state_dict())
        {
            if (IsOffset(name)) tensor.zero_();
            else if (name.EndsWith(".gamma", StringComparison.Ordinal) || name.EndsWith(".moving_variance", StringComparison.Ordinal)) tensor.fill_(1);
        }
    }

    private static bool IsOffset(string name) =>
        name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith(".beta", StringComparison.Ordinal) || name.EndsWith(".moving_mean", StringComparison.Ordinal);

    private static GanModel Wrap(IEnumerable<Layer> layers, int latentDim)
    {
        var generator = new Sequential(layers, inputShape: new long[] { latentDim }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Flatten(), new Dense(1) }, inputShape: generator.OutputShape!.ToArray(), name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new BinaryCrossentropy(fromLogits: true));
        return gan;
    }
}
