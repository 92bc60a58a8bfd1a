using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>ONNX export walks functional graphs: merges, shared layers, nested models, several inputs; verified by ONNX Runtime.</summary>
public class OnnxFunctionalExportTests
{
    private const float Tolerance = 1e-5f;

    /// <summary>Moves every weight off its initial value (biases start at zero, statistics at 0 and 1) so a dropped term changes the answer.</summary>
    private static void Perturb(Layer model)
    {
        using var noGrad = torch.no_grad();
        foreach (var (_, p) in model.named_parameters()) p.add_(torch.randn_like(p) * 0.1);
        foreach (var (name, b) in model.named_buffers())
            if (b.is_floating_point()) b.copy_(name.EndsWith("variance", StringComparison.Ordinal) ? torch.rand_like(b) + 0.5 : torch.randn_like(b) * 0.3);
    }

    private static GanModel Gan(Functional generator, IReadOnlyList<GeneratorInput>? inputs = null)
    {
        var x = Keras.Input(generator.OutputShapes![0].ToArray());
        var discriminator = new Functional(x, new Dense(1).Call(new Flatten().Call(x)), name: "discriminator");
        return inputs is null ? new GanModel(generator, discriminator, (int)generator.Inputs[0].Shape[0], seed: 1) : new GanModel(generator, discriminator, inputs, seed: 1);
    }

    private static void AssertMatches(GanModel gan, IReadOnlyDictionary<string, torch.Tensor> inputs, torch.Tensor expected)
    {
        using var runner = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));
        var actual = runner.Run(inputs);
        Assert.Equal(expected.shape, actual.shape);
        float error = (actual - expected).abs().max().item<float>();
        Assert.True(error <= Tolerance, $"max |Δ| = {error}");
    }

    [Fact]
    public void ResidualGenerator_WithSharedLayerAndEveryMerge_MatchesGenerate()
    {
        // Given a generator with a residual Add, a shared Dense called twice, and every merge layer
        torch.manual_seed(11);
        var z = Keras.Input([6], name: "latent");
        var shared = new Dense(6, "tanh", name: "shared");
        var once = shared.Call(z);
        var twice = shared.Call(once);
        var residual = new Add().Call(z, twice);
        var merged = new Concatenate().Call(
            new Subtract().Call(residual, once), new Multiply().Call(once, twice), new Average().Call(z, once, twice),
            new Maximum().Call(z, twice), new Minimum().Call(z, once), new Dot(normalize: true).Call(z, twice));
        var image = new Reshape([1, 4, 4]).Call(new Dense(16, name: "to_image").Call(new BatchNormalization().Call(merged)));
        using var gan = Gan(new Functional(z, image, name: "generator"));
        Perturb(gan.Generator);
        var latent = torch.randn(7, 6);

        // When / Then
        AssertMatches(gan, new Dictionary<string, torch.Tensor> { ["latent"] = latent }, gan.GenerateFrom(latent));
    }

    [Fact]
    public void NestedModels_AndTwoInputs_MatchGenerate()
    {
        // Given a generator of [latent, labels] whose body is a nested Sequential inside a nested Functional
        torch.manual_seed(12);
        var innerInput = Keras.Input([5]);
        var body = new Sequential(new Layer[] { new Dense(8, "relu"), new Dense(4, "sigmoid") }, name: "body");
        var inner = new Functional(innerInput, body.Call(new Dense(5, name: "pre").Call(innerInput)), name: "inner");
        var z = Keras.Input([5], name: "latent");
        var label = Keras.Input([1], torch.int64, name: "labels");
        var joined = new Multiply().Call(z, new Flatten().Call(new Embedding(3, 5).Call(label)));
        using var gan = Gan(new Functional([z, label], inner.Call(joined), name: "generator"), [GeneratorInput.Latent(5), GeneratorInput.Labels(3)]);
        Perturb(gan.Generator);
        var latent = torch.randn(6, 5);
        var labels = torch.tensor(new long[] { 0, 2, 1, 1, 0, 2 });

        // When / Then
        AssertMatches(gan, new Dictionary<string, torch.Tensor> { ["latent"] = latent, ["labels"] = labels.reshape(6, 1) }, gan.GenerateFrom(latent, labels));
    }

    [Fact]
    public void SubclassedModel_IsRefusedByName_BeforeAnythingIsWritten()
    {
        // Given a functional generator that calls a subclassed model (C# Call) and a custom layer without a conversion
        var z = Keras.Input([3], name: "latent");
        using var gan = Gan(new Functional(z, new Doubler(name: "custom").Call(new CSharpModel().Call(z)), name: "generator"));
        string path = Path.Combine(Path.GetTempPath(), $"refused-{Guid.NewGuid():N}.onnx");

        // When
        var error = Assert.Throws<OnnxExportException>(() => gan.ExportGenerator(path));

        // Then both are named, and no file exists
        Assert.Contains("'csharp' (CSharpModel) is a subclassed Model whose Call is C# code", error.Message, StringComparison.Ordinal);
        Assert.Contains("'custom' (Doubler) has no ONNX conversion", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void CustomLayer_ProvidesItsOwnConversion()
    {
        // Given a custom layer that overrides ExportOnnx
        var z = Keras.Input([3], name: "latent");
        using var gan = Gan(new Functional(z, new ExportableDoubler().Call(new Dense(3).Call(z)), name: "generator"));
        Perturb(gan.Generator);
        var latent = torch.randn(4, 3);

        // When / Then
        AssertMatches(gan, new Dictionary<string, torch.Tensor> { ["latent"] = latent }, gan.GenerateFrom(latent));
    }

    private class Doubler(string? name = null) : Layer(name)
    {
        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs * 2;
    }

    private sealed class ExportableDoubler() : Doubler("doubler")
    {
        protected internal override string ExportOnnx(OnnxExportContext onnx, string input) =>
            onnx.AddNode("Add", [input, input]);
    }

    private sealed class CSharpModel : Model
    {
        private readonly Dense dense = new(3);

        public CSharpModel() : base("csharp") => RegisterComponents();

        public override torch.Tensor Call(torch.Tensor inputs, bool training = false) => dense.Call(inputs, training) + 1;
    }
}
