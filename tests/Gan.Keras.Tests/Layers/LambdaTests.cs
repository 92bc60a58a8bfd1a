using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class LambdaTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then
        Func<torch.Tensor, torch.Tensor> function = x => x * 2 - 1;
        LayerHarness.Run(new LayerCase(() => new Lambda(function), () => new[] { torch.randn(3, 4) }, new long[] { 3, 4 }, 0, 0));
    }

    [Fact]
    public void Call_AppliesTheFunction()
    {
        // Given a sigmoid generator's fix from the Keras examples, x·2 − 1
        using var scope = torch.NewDisposeScope();
        using var layer = new Lambda(x => x * 2 - 1);

        // When
        var y = layer.Call(torch.tensor(new float[] { 0, 0.25f, 1 }).reshape(1, 3));

        // Then
        Assert.Equal(new float[] { -1, -0.5f, 1 }, y.data<float>().ToArray());
    }

    [Fact]
    public void OutputShape_IsFoundByRunningTheFunction_OrGiven()
    {
        // Given a function that flattens, with and without an output-shape function
        using var inferred = new Lambda(x => x.reshape(x.shape[0], -1));
        using var given = new Lambda(x => x.reshape(x.shape[0], -1), shape => new[] { shape.Aggregate(1L, (a, b) => a * b) });

        // When / Then
        Assert.Equal(new long[] { 12 }, inferred.ComputeOutputShape(new long[] { 2, 3, 2 }));
        Assert.Equal(new long[] { 12 }, given.ComputeOutputShape(new long[] { 2, 3, 2 }));
    }

    [Fact]
    public void Export_RefusesTheLambdaByName_WithTheReason()
    {
        // Given a generator ending with a Lambda
        var generator = new Sequential(new Layer[] { new Dense(4, "sigmoid"), new Lambda(x => x * 2 - 1, name: "to_tanh_range") }, inputShape: new long[] { 3 });
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 4 });
        using var gan = new GanModel(generator, discriminator, latentDim: 3);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new BinaryCrossentropy(fromLogits: true));

        // When
        var error = Assert.Throws<OnnxExportException>(() => OnnxExporter.ExportGeneratorToBytes(gan));

        // Then
        Assert.Equal("to_tanh_range", error.LayerName);
        Assert.Contains("C# function", error.Message, StringComparison.Ordinal);
        Assert.Contains("Rescaling", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NullArguments_AreRefused_NamingTheArgument()
    {
        using var lambda = new Lambda(x => x * 2);

        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => new Lambda(null!)).ParamName);
        Assert.Equal("inputShape", Assert.Throws<ArgumentNullException>(() => lambda.ComputeOutputShape((IReadOnlyList<long>)null!)).ParamName);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => lambda.ExportOnnx(null!, "x")).ParamName);
    }

    [Fact]
    public void OutputShape_RefusesAFunctionThatDropsOrChangesTheBatch()
    {
        using var sum = new Lambda(x => x.sum(), name: "total");
        using var flat = new Lambda(x => x.reshape(-1), name: "flat");

        var scalar = Assert.Throws<IncompatibleInputException>(() => sum.ComputeOutputShape(new long[] { 3 }));
        var merged = Assert.Throws<IncompatibleInputException>(() => flat.ComputeOutputShape(new long[] { 3 }));

        Assert.Equal("Layer 'total' (Lambda) must keep the batch as the first dimension, but turned a batch of one (None, 3) into shape [].", scalar.Message);
        Assert.Equal("Layer 'flat' (Lambda) must keep the batch as the first dimension, but turned a batch of one (None, 3) into shape [3].", merged.Message);
    }
}
