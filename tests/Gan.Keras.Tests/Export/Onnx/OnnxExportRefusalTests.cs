using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>
/// How layers that cannot be exported are refused: the walk goes on past each one on a placeholder, and the one error
/// at the end names every such layer, once, in graph order.
/// </summary>
public class OnnxExportRefusalTests
{
    [Fact]
    public void Error_NamesEveryRefusedLayer_OneClauseEach_InGraphOrder()
    {
        // Given a generator with two layers that have no conversion, separated by one that has
        using var gan = GanOf(new Unconvertible("first"), new Dense(3), new Unconvertible("second"));

        // When it is exported
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportGeneratorToBytes(gan));

        // Then one sentence names both, each with its type and reason, in a clause of its own; the first is the error's layer
        Assert.Matches(@"^Cannot export 'generator' to ONNX: 'first' \(Unconvertible\) has no ONNX conversion[^;]*; 'second' \(Unconvertible\) has no ONNX conversion[^;]*\. No file was written\.$", error.Message);
        Assert.Equal("first", error.LayerName);
    }

    [Fact]
    public void WrappedLayerWithTwoOutputs_WhereOneIsUsed_IsRefusedByName()
    {
        // Given a wrapper whose conversion exports its inner layer as a one-output layer, but the inner layer gives two
        using var gan = GanOf(new Wrapper(new TwoOutputs()));

        // When it is exported
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the inner layer is refused, saying why, rather than one of its outputs being silently dropped
        Assert.Equal("pair", error.LayerName);
        Assert.Contains("'pair' (TwoOutputs) has 2 outputs where one is used", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Refuse_ReturnsADistinctNamedPlaceholderEachTime_AndListsTheLayerOnce()
    {
        // Given a layer whose conversion refuses itself twice and keeps the placeholders it gets
        var placeholders = new List<string>();
        using var gan = GanOf(new TwiceRefused(placeholders));

        // When it is exported
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportGeneratorToBytes(gan));

        // Then each placeholder is a real value name (an empty one means "no input" to the next node), the two differ,
        // and the error gives the layer once, with the first reason
        Assert.Equal(2, placeholders.Count);
        Assert.All(placeholders, p => Assert.False(string.IsNullOrEmpty(p)));
        Assert.NotEqual(placeholders[0], placeholders[1]);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(error.Message, "'twice'"));
        Assert.Contains("'twice' (TwiceRefused) is refused first", error.Message, StringComparison.Ordinal);
    }

    private static GanModel GanOf(params Layer[] layers)
    {
        RandomSeed.Set(3);
        var generator = new Sequential(layers.Prepend(new Dense(3)), inputShape: new long[] { 2 }, name: "generator");
        return new GanModel(generator, new Sequential(new Layer[] { new Dense(1) }, inputShape: generator.OutputShape!.ToArray()), latentDim: 2, seed: 1);
    }

    /// <summary>A pass-through layer without a conversion.</summary>
    private sealed class Unconvertible(string name) : Layer(name)
    {
        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.alias();
    }

    /// <summary>A pass-through layer whose conversion gives two values for its one input.</summary>
    private sealed class TwoOutputs() : Layer("pair")
    {
        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected internal override IReadOnlyList<string> ExportOnnx(OnnxExportContext onnx, IReadOnlyList<string> inputs) =>
            [onnx.AddNode("Identity", inputs), onnx.AddNode("Neg", inputs)];

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.alias();
    }

    /// <summary>Wraps one layer and exports it through the one-input, one-output <see cref="OnnxExportContext.Export(Layer, string, IReadOnlyDictionary{string, torch.Tensor}?)"/>.</summary>
    private sealed class Wrapper : Layer
    {
        private readonly Layer inner;

        public Wrapper(Layer inner) : base("wrapper")
        {
            this.inner = inner;
            register_module("inner", inner);
        }

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inner.ComputeOutputShape(inputShape);

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => onnx.Export(inner, input);

        protected override void BuildWeights(IReadOnlyList<long> inputShape) => inner.Build(inputShape);

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inner.Call(inputs, training);
    }

    /// <summary>A pass-through layer whose conversion calls <see cref="OnnxExportContext.Refuse"/> twice.</summary>
    private sealed class TwiceRefused(List<string> placeholders) : Layer("twice")
    {
        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected internal override string ExportOnnx(OnnxExportContext onnx, string input)
        {
            placeholders.Add(onnx.Refuse(this, "is refused first"));
            placeholders.Add(onnx.Refuse(this, "is refused again"));
            return placeholders[^1];
        }

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.alias();
    }
}
