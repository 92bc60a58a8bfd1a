using System.Globalization;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Parity;

/// <summary>Builds the seed article's MLP GAN from Gan.Keras layers, loss and optimizers, to a trace's exact specification.</summary>
public static class KerasMlpGanFactory
{
    /// <summary>Creates a Sequential of <see cref="Dense"/> layers (with a separate <see cref="LeakyReLU"/> where the spec says so).</summary>
    public static Sequential BuildModel(MlpSpec spec, string name)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var layers = new List<Layer>();
        for (int i = 0; i < spec.Units.Count; i++)
        {
            string activation = spec.Activations[i];
            if (activation.StartsWith("leaky_relu:", StringComparison.Ordinal))
            {
                layers.Add(new Dense((int)spec.Units[i], name: $"dense_{i}"));
                layers.Add(new LeakyReLU(double.Parse(activation["leaky_relu:".Length..], CultureInfo.InvariantCulture), name: $"leaky_re_lu_{i}"));
            }
            else
            {
                layers.Add(new Dense((int)spec.Units[i], activation, name: $"dense_{i}"));
            }
        }
        return new Sequential(layers, inputShape: new[] { spec.InputSize }, name: name);
    }

    /// <summary>Creates the GAN, loads <paramref name="initialWeights"/>, and compiles it with two Adams and binary cross-entropy.</summary>
    public static GanModel Create(MlpSpec generator, MlpSpec discriminator, IReadOnlyDictionary<string, torch.Tensor> initialWeights,
        Func<Adam> optimizer, Loss loss)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(optimizer);
        var gan = new GanModel(BuildModel(generator, "generator"), BuildModel(discriminator, "discriminator"), (int)generator.InputSize, seed: 0);
        gan.AssignWeights(initialWeights, "initial weights");
        gan.Compile(optimizer(), optimizer(), loss);
        return gan;
    }
}
