using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>
/// Checks a layer's ONNX conversion the way users reach it: the layers become a Sequential generator of a GAN, every
/// bias, offset and moving statistic is moved away from its initial value, the generator is exported with the exporter
/// and run by ONNX Runtime (<see cref="OnnxRunner"/>), and the result is compared with the model's own inference.
/// </summary>
internal static class OnnxLayerCheck
{
    /// <summary>The largest absolute difference between ONNX Runtime and the model on a batch of latent vectors.</summary>
    /// <param name="layers">The generator's layers; the first takes <c>[batch, latentDim]</c>.</param>
    /// <param name="latentDim">The latent size.</param>
    /// <param name="batch">The batch size of the comparison.</param>
    public static double MaxError(IEnumerable<Layer> layers, int latentDim, int batch = 5)
    {
        RandomSeed.Set(3);
        var generator = new Sequential(layers, inputShape: new long[] { latentDim }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Flatten(), new Dense(1) }, inputShape: generator.OutputShape!.ToArray(), name: "discriminator");
        using var gan = new GanModel(generator, discriminator, latentDim, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new BinaryCrossentropy(fromLogits: true));
        Perturb(generator);
        return CompareWithModel(gan, latentDim, batch).MaxError;
    }

    /// <summary>
    /// Exports <paramref name="gan"/>'s generator, runs it in ONNX Runtime and the model's own inference on one batch of
    /// latent vectors, and returns the largest absolute difference with the exported bytes (for checks of the graph).
    /// </summary>
    public static (double MaxError, byte[] Onnx) CompareWithModel(GanModel gan, int latentDim, int batch = 5)
    {
        byte[] bytes = OnnxExporter.ExportGeneratorToBytes(gan);
        using var onnx = new OnnxRunner(bytes);
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { batch, latentDim }, generator: new torch.Generator(2));
        var expected = gan.GenerateFrom(z);
        var actual = onnx.Run(z);
        if (!expected.shape.SequenceEqual(actual.shape))
            throw new InvalidOperationException($"ONNX gave shape [{string.Join(", ", actual.shape)}], the model [{string.Join(", ", expected.shape)}].");
        return ((expected - actual).abs().max().item<float>(), bytes);
    }

    /// <summary>Moves biases, offsets and scales (<c>bias</c>, <c>beta</c>, <c>gamma</c>) and moving statistics away from their initial values.</summary>
    private static void Perturb(Model generator)
    {
        using var noGrad = torch.no_grad();
        using var random = new torch.Generator(99);
        // Scalars held until the end: an implicit one can be finalized during the native call that reads it (TorchSharp
        // does not keep it alive), which fails now and then with "Unknown scalar type".
        using var spread = 0.3.ToScalar();
        using var shift = 0.5.ToScalar();
        foreach (var (name, tensor) in generator.state_dict())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal) || name.EndsWith(".beta", StringComparison.Ordinal) || name.EndsWith(".moving_mean", StringComparison.Ordinal))
                tensor.copy_(torch.randn(tensor.shape, generator: random).mul_(spread));
            else if (name.EndsWith(".gamma", StringComparison.Ordinal) || name.EndsWith(".moving_variance", StringComparison.Ordinal))
                tensor.copy_(torch.rand(tensor.shape, generator: random).add_(shift));
        }
    }
}
