using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Export.Onnx;

/// <summary>The exporter's checks of what it is given, made before it walks the generator or touches the disk.</summary>
public class OnnxExporterArgumentTests
{
    [Fact]
    public void ExportToBytes_RejectsANullGan_NamingTheParameter()
    {
        var error = Assert.Throws<ArgumentNullException>(() => OnnxExporter.ExportGeneratorToBytes(null!));

        Assert.Equal("gan", error.ParamName);
    }

    [Fact]
    public void ExportToFile_RejectsAnEmptyPath_BeforeWalkingTheGenerator()
    {
        // Given a GAN whose generator the exporter would refuse (it has a layer without an ONNX conversion)
        using var gan = new GanModel(
            new Sequential(new Layer[] { new Dense(3), new Unconvertible() }, inputShape: new long[] { 2 }, name: "generator"),
            new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 3 }), latentDim: 2, seed: 1);

        // When it is exported to an empty path, then the path is what is reported, not the generator
        var error = Assert.Throws<ArgumentException>(() => OnnxExporter.ExportGenerator(gan, string.Empty));
        Assert.Equal("path", error.ParamName);
    }

    [Fact]
    public void Export_RaisesClearError_WhenTheGeneratorIsNotBuilt()
    {
        // Given a GAN subclass whose Generator is a model nobody built
        var unbuilt = new Sequential(new Layer[] { new Dense(2) }, name: "late_generator");
        using var gan = new LateGenerator(unbuilt);

        // When it is exported
        var error = Assert.Throws<InvalidOperationException>(() => OnnxExporter.ExportGeneratorToBytes(gan));

        // Then the error names the generator and says what to do
        Assert.Contains("'late_generator' is not built", error.Message, StringComparison.Ordinal);
        Assert.False(unbuilt.Built);
    }

    private sealed class Unconvertible() : Layer("unconvertible")
    {
        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => throw new NotSupportedException();

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training) => inputs.neg();
    }

    /// <summary>A GAN built with one generator that reports another, unbuilt one.</summary>
    private sealed class LateGenerator(Model unbuilt) : GanModel(
        new Sequential(new Layer[] { new Dense(2) }, inputShape: new long[] { 3 }, name: "generator"),
        new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 2 }), latentDim: 3, seed: 1)
    {
        public override Model Generator => unbuilt;
    }
}
