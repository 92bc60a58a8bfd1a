using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>
/// A <see cref="GanModel"/> subclass that feeds or post-processes its generator in code (<c>GeneratorCall</c>) exports
/// the same computation by overriding <c>ExportGeneratorGraph</c>; the nodes it adds outside any layer belong to the graph.
/// </summary>
public class OnnxGanSubclassExportTests
{
    [Fact]
    public void SubclassPostProcessing_IsExported_AndItsNodesAreNamedAfterTheGraph()
    {
        // Given a GAN subclass whose samples are the generator's output negated, in inference and in its ONNX graph
        RandomSeed.Set(6);
        var generator = new Sequential(new Layer[] { new Dense(5, "relu"), new Dense(3) }, inputShape: new long[] { 4 }, name: "generator");
        using var gan = new NegatedGan(generator, new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 3 }));
        using (torch.no_grad())
            foreach (var (_, weight) in generator.named_parameters()) weight.add_(torch.randn_like(weight) * 0.3);
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 6, 4 }, generator: new torch.Generator(4));

        // When it is exported and run beside Generate
        byte[] bytes = OnnxExporter.ExportGeneratorToBytes(gan);
        using var onnx = new OnnxRunner(bytes);
        var expected = gan.GenerateFrom(z);
        var actual = onnx.Run(z);

        // Then ONNX Runtime gives the negated samples, and the Neg node added outside any layer is the graph's own
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5f);
        Assert.True((expected + actual).abs().max().item<float>() > 1e-2f, "the negation should change the samples");
        var neg = Assert.Single(global::Onnx.ModelProto.Parser.ParseFrom(bytes).Graph.Node, n => n.OpType == "Neg");
        Assert.Equal("graph/Neg", neg.Name);
    }

    private sealed class NegatedGan(Model generator, Model discriminator) : GanModel(generator, discriminator, latentDim: 4, seed: 1)
    {
        protected internal override torch.Tensor GeneratorCall(LatentBatch inputs, bool training) => base.GeneratorCall(inputs, training).neg();

        protected internal override string ExportGeneratorGraph(OnnxExportContext onnx, IReadOnlyList<string> inputs) =>
            onnx.AddNode("Neg", [base.ExportGeneratorGraph(onnx, inputs)]);
    }
}
