using System.Globalization;
using TorchSharp;
using TorchSharp.Modules;

namespace Gan.Keras.Parity;

/// <summary>
/// The seed article's PyTorch GAN (section 4.1, loop corrected), written directly against TorchSharp's
/// <c>nn.Linear</c>, <c>BCELoss</c> and <c>torch.optim.Adam</c> with no Gan.Keras code: the independent reference the
/// parity checks replay PyTorch traces with, and the other side of the cross-backend test.
/// </summary>
public sealed class TorchReferenceGan : IDisposable
{
    private readonly Sequential generator;
    private readonly Sequential discriminator;
    private readonly torch.optim.Optimizer generatorOptimizer;
    private readonly torch.optim.Optimizer discriminatorOptimizer;

    /// <summary>Initializes a new instance of the <see cref="TorchReferenceGan"/> class from Keras-layout weights.</summary>
    /// <param name="generatorSpec">Generator layers.</param>
    /// <param name="discriminatorSpec">Discriminator layers.</param>
    /// <param name="weights">Initial weights, <c>generator.dense_{i}.kernel</c> <c>[in, out]</c> and <c>.bias</c>, likewise for the discriminator.</param>
    /// <param name="learningRate">Adam learning rate (both networks).</param>
    /// <param name="beta1">Adam β₁.</param>
    /// <param name="beta2">Adam β₂.</param>
    /// <param name="epsilon">Adam ε.</param>
    public TorchReferenceGan(MlpSpec generatorSpec, MlpSpec discriminatorSpec, IReadOnlyDictionary<string, torch.Tensor> weights,
        double learningRate, double beta1, double beta2, double epsilon)
    {
        ArgumentNullException.ThrowIfNull(generatorSpec);
        ArgumentNullException.ThrowIfNull(discriminatorSpec);
        ArgumentNullException.ThrowIfNull(weights);
        generator = Build(generatorSpec, weights, "generator");
        discriminator = Build(discriminatorSpec, weights, "discriminator");
        generatorOptimizer = torch.optim.Adam(generator.parameters(), learningRate, beta1, beta2, epsilon);
        discriminatorOptimizer = torch.optim.Adam(discriminator.parameters(), learningRate, beta1, beta2, epsilon);
    }

    /// <summary>One corrected step of the article's loop: D on real (label 1) and detached fakes (label 0), then G towards "real".</summary>
    /// <returns>The D loss, the G loss, mean D(real), mean D(fake), all before the updates.</returns>
    public (double DLoss, double GLoss, double DReal, double DFake) BceStep(torch.Tensor real, torch.Tensor zD, torch.Tensor zG)
    {
        using var scope = torch.NewDisposeScope();
        discriminatorOptimizer.zero_grad();
        var realOut = discriminator.forward(real);
        var fakeOut = discriminator.forward(generator.forward(zD).detach());
        var dLoss = torch.nn.functional.binary_cross_entropy(realOut, torch.ones_like(realOut))
                    + torch.nn.functional.binary_cross_entropy(fakeOut, torch.zeros_like(fakeOut));
        dLoss.backward();
        discriminatorOptimizer.step();

        generatorOptimizer.zero_grad();
        var gOut = discriminator.forward(generator.forward(zG));
        var gLoss = torch.nn.functional.binary_cross_entropy(gOut, torch.ones_like(gOut));
        gLoss.backward();
        generatorOptimizer.step();
        return (dLoss.item<float>(), gLoss.item<float>(), realOut.mean().item<float>(), fakeOut.mean().item<float>());
    }

    /// <summary>
    /// One WGAN-GP critic step (Gulrajani et al. 2017): <c>d = −(mean D(x) − mean D(G(z))) + λ·mean_i(‖∇D(x̂_i)‖₂ − 1)²</c>
    /// with <c>x̂ = a·x + (1−a)·G(z)</c>, <c>a</c> per example.
    /// </summary>
    /// <returns>The critic loss, the penalty (unweighted) and the Wasserstein estimate mean D(x) − mean D(G(z)).</returns>
    public (double DLoss, double Penalty, double Wasserstein) CriticStep(torch.Tensor real, torch.Tensor z, torch.Tensor alpha, double penaltyWeight)
    {
        using var scope = torch.NewDisposeScope();
        discriminatorOptimizer.zero_grad();
        var fake = generator.forward(z).detach();
        var wasserstein = discriminator.forward(real).mean() - discriminator.forward(fake).mean();
        var mixed = (alpha * real + (1 - alpha) * fake).detach().requires_grad_(true);
        var mixedOut = discriminator.forward(mixed);
        // TorchSharp does not default retain_graph to create_graph: pass both.
        var grad = torch.autograd.grad(new[] { mixedOut }, new[] { mixed }, new[] { torch.ones_like(mixedOut) }, retain_graph: true, create_graph: true)[0];
        var penalty = (grad.reshape(grad.shape[0], -1).norm(1, keepdim: false, p: 2) - 1).pow(2).mean();
        var dLoss = -wasserstein + penaltyWeight * penalty;
        dLoss.backward();
        discriminatorOptimizer.step();
        return (dLoss.item<float>(), penalty.item<float>(), wasserstein.item<float>());
    }

    /// <summary>One WGAN generator step: <c>g = −mean D(G(z))</c>.</summary>
    public double WassersteinGeneratorStep(torch.Tensor z)
    {
        using var scope = torch.NewDisposeScope();
        generatorOptimizer.zero_grad();
        var gLoss = -discriminator.forward(generator.forward(z)).mean();
        gLoss.backward();
        generatorOptimizer.step();
        return gLoss.item<float>();
    }

    /// <summary>Gets the current weights in Keras layout (<c>generator.dense_0.kernel</c> <c>[in, out]</c>), as new tensors.</summary>
    public Dictionary<string, torch.Tensor> KerasLayoutWeights()
    {
        var result = new Dictionary<string, torch.Tensor>();
        foreach (var (prefix, model) in new[] { ("generator", generator), ("discriminator", discriminator) })
        {
            int index = 0;
            foreach (var module in model.children())
            {
                if (module is not Linear linear) continue;
                result[$"{prefix}.dense_{index}.kernel"] = linear.weight!.detach().t().contiguous().clone();
                result[$"{prefix}.dense_{index}.bias"] = linear.bias!.detach().clone();
                index++;
            }
        }
        return result;
    }

    /// <summary>Releases the modules and optimizers.</summary>
    public void Dispose()
    {
        generator.Dispose();
        discriminator.Dispose();
        generatorOptimizer.Dispose();
        discriminatorOptimizer.Dispose();
    }

    private static Sequential Build(MlpSpec spec, IReadOnlyDictionary<string, torch.Tensor> weights, string prefix)
    {
        var modules = new List<(string, torch.nn.Module<torch.Tensor, torch.Tensor>)>();
        long inputs = spec.InputSize;
        for (int i = 0; i < spec.Units.Count; i++)
        {
            var linear = torch.nn.Linear(inputs, spec.Units[i]);
            using (torch.no_grad())
            {
                linear.weight!.copy_(Weight(weights, $"{prefix}.dense_{i}.kernel").t());
                linear.bias!.copy_(Weight(weights, $"{prefix}.dense_{i}.bias"));
            }
            modules.Add(($"linear_{i}", linear));
            var activation = Activation(spec.Activations[i]);
            if (activation is not null) modules.Add(($"act_{i}", activation));
            inputs = spec.Units[i];
        }
        return torch.nn.Sequential(modules.ToArray());
    }

    private static torch.Tensor Weight(IReadOnlyDictionary<string, torch.Tensor> weights, string name) =>
        weights.TryGetValue(name, out var tensor) ? tensor : throw new InvalidDataException($"Weight '{name}' is missing.");

    private static torch.nn.Module<torch.Tensor, torch.Tensor>? Activation(string name) => name switch
    {
        "relu" => torch.nn.ReLU(),
        "tanh" => torch.nn.Tanh(),
        "sigmoid" => torch.nn.Sigmoid(),
        "linear" => null,
        _ when name.StartsWith("leaky_relu:", StringComparison.Ordinal) =>
            torch.nn.LeakyReLU(double.Parse(name["leaky_relu:".Length..], CultureInfo.InvariantCulture)),
        _ => throw new ArgumentException($"Unknown activation '{name}'.", nameof(name)),
    };
}
