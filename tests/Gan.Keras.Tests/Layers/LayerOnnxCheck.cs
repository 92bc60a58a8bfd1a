using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;

namespace Gan.Keras.Tests.Layers;

/// <summary>
/// Checks a layer's own ONNX conversion from the layers' tests: a functional generator made by a graph function is
/// exported, run by ONNX Runtime and compared with the model's inference (<see cref="OnnxLayerCheck.CompareWithModel"/>,
/// as for a stack of layers, but for graphs with merges), and the exported graph is handed back for its node and constant names.
/// </summary>
internal static class LayerOnnxCheck
{
    /// <summary>Exports the generator <paramref name="graph"/> builds on a latent input and runs both.</summary>
    /// <param name="graph">Builds the generator's output from its latent input.</param>
    /// <param name="latentDim">The latent size.</param>
    /// <returns>The largest absolute difference and the exported model.</returns>
    public static (double MaxError, global::Onnx.ModelProto Model) Run(Func<KerasTensor, KerasTensor> graph, int latentDim)
    {
        torch.manual_seed(5);
        var z = Keras.Input([latentDim], name: "latent");
        var generator = new Functional(z, graph(z), name: "generator");
        Perturb(generator);
        var x = Keras.Input(generator.OutputShapes![0].ToArray());
        var discriminator = new Functional(x, new Dense(1).Call(new Flatten().Call(x)), name: "discriminator");
        using var gan = new GanModel(generator, discriminator, latentDim, seed: 1);
        var (error, bytes) = OnnxLayerCheck.CompareWithModel(gan, latentDim);
        return (error, global::Onnx.ModelProto.Parser.ParseFrom(bytes));
    }

    /// <summary>Moves every weight off its initial value, so a dropped bias, offset or statistic changes the answer.</summary>
    private static void Perturb(Layer model)
    {
        using var noGrad = torch.no_grad();
        using var random = new torch.Generator(99);
        // Scalars held until the end, as in OnnxLayerCheck (an implicit one can be finalized during the call reading it).
        using var spread = 0.3.ToScalar();
        using var shift = 0.5.ToScalar();
        foreach (var (_, p) in model.named_parameters()) p.add_(torch.randn(p.shape, generator: random).mul_(spread));
        foreach (var (name, b) in model.named_buffers())
            if (b.is_floating_point()) b.copy_(name.EndsWith("variance", StringComparison.Ordinal) ? torch.rand(b.shape, generator: random).add_(shift) : torch.randn(b.shape, generator: random).mul_(spread));
    }
}
