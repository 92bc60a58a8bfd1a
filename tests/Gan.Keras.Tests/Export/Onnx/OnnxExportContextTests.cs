using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>
/// The context a custom layer's <c>ExportOnnx</c> is given: its methods check their arguments and say what was wrong,
/// naming the parameter, instead of writing a broken graph or failing deeper down with a message about something else.
/// </summary>
public class OnnxExportContextTests
{
    public static TheoryData<string, string> BadCalls => new()
    {
        { "AddNode with an empty operator", "opType" },
        { "AddNode with null inputs", "inputs" },
        { "AddNode with null attributes", "attributes" },
        { "TryGetWeight with an empty name", "name" },
        { "Weight with an empty name", "name" },
        { "Export of a null sublayer", "sublayer" },
        { "Export with null inputs", "inputs" },
        { "Refuse with a null layer", "refused" },
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void ContextMethod_RejectsABadArgument_NamingTheParameter(string call, string parameter)
    {
        // Given a custom layer (with a sublayer) whose conversion makes that call
        using var gan = GanOf(new Probe((onnx, input, inner) => call switch
        {
            "AddNode with an empty operator" => onnx.AddNode(string.Empty, [input]),
            "AddNode with null inputs" => onnx.AddNode("Relu", null!),
            "AddNode with null attributes" => onnx.AddNode("Relu", [input], null!),
            "TryGetWeight with an empty name" => onnx.TryGetWeight(string.Empty) is null ? input : input,
            "Weight with an empty name" => onnx.Weight(string.Empty) is null ? input : input,
            "Export of a null sublayer" => onnx.Export(null!, input),
            "Export with null inputs" => onnx.Export(inner, (IReadOnlyList<string>)null!)[0],
            "Refuse with a null layer" => onnx.Refuse(null!, "is refused"),
            _ => throw new ArgumentOutOfRangeException(nameof(call), call, null),
        }));

        // When the generator is exported
        var error = Record.Exception(() => OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the call fails with an argument error that names the parameter
        var argument = Assert.IsAssignableFrom<ArgumentException>(error);
        Assert.Equal(parameter, argument.ParamName);
    }

    [Fact]
    public void Export_OfALayerThatIsNotASublayer_NamesBothLayers()
    {
        // Given a custom layer whose conversion exports a layer it does not own
        var stray = new Dense(2, name: "stray");
        using var gan = GanOf(new Probe((onnx, input, _) => onnx.Export(stray, input), "owner"));

        // When the generator is exported
        var error = Assert.Throws<InvalidOperationException>(() => OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the error says which layer is not whose sublayer
        Assert.Contains("'stray' is not a sublayer of 'owner'", error.Message, StringComparison.Ordinal);
    }

    private static GanModel GanOf(Layer layer)
    {
        RandomSeed.Set(3);
        var generator = new Sequential(new Layer[] { new Dense(3), layer }, inputShape: new long[] { 2 }, name: "generator");
        return new GanModel(generator, new Sequential(new Layer[] { new Dense(1) }, inputShape: generator.OutputShape!.ToArray()), latentDim: 2, seed: 1);
    }

    /// <summary>A pass-through layer whose ONNX conversion is given, with a registered pass-through sublayer (<c>inner</c>).</summary>
    private sealed class Probe : Layer
    {
        private readonly Func<OnnxExportContext, string, Layer, string> export;

        public Probe(Func<OnnxExportContext, string, Layer, string> export, string name = "probe") : base(name)
        {
            this.export = export;
            Inner = new Unchecked();
            register_module("inner", Inner);
        }

        public Layer Inner { get; }

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected internal override string ExportOnnx(OnnxExportContext onnx, string input) => export(onnx, input, Inner);

        protected override void BuildWeights(IReadOnlyList<long> inputShape) => Inner.Build(inputShape);

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.alias();
    }

    /// <summary>A sublayer whose conversion accepts whatever it is given, so only the context can catch a bad argument.</summary>
    private sealed class Unchecked() : Layer("unchecked")
    {
        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected internal override IReadOnlyList<string> ExportOnnx(OnnxExportContext onnx, IReadOnlyList<string> inputs) => ["unchecked"];

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.alias();
    }
}
