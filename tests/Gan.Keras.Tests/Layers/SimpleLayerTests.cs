using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

/// <summary>Layers without weights: shapes, configs and behaviour through one table.</summary>
public class SimpleLayerTests
{
    public static TheoryData<string> LayerNames => new() { "relu", "leaky", "activation", "dropout", "flatten", "reshape" };

    [Theory]
    [MemberData(nameof(LayerNames))]
    public void Layer_HasNoWeights_MatchesComputedShape_AndRoundTripsConfig(string which)
    {
        using var layer = Create(which);
        using var x = torch.randn(4, 2, 3, 2);

        using var y = layer.Call(x, training: false);

        Assert.Equal(0, layer.CountParams());
        Assert.Equal(layer.ComputeOutputShape(new long[] { 2, 3, 2 }), y.shape.Skip(1).ToArray());
        Assert.Equal(layer.GetConfig(), layer.GetConfig().CreateLayer().GetConfig());
    }

    [Fact]
    public void LeakyReLU_DefaultsToKerasAlpha()
    {
        using var layer = new LeakyReLU();

        using var y = layer.Call(torch.tensor(new float[] { -1f, 2f }, new long[] { 1, 2 }));

        Assert.Equal(0.3, layer.Alpha);
        Assert.Equal(new float[] { -0.3f, 2f }, y.data<float>().ToArray());
    }

    [Fact]
    public void Dropout_IsIdentityAtInference_AndDropsDuringTraining()
    {
        using var layer = new Dropout(0.5);
        using var x = torch.ones(1, 1000);

        using var inference = layer.Call(x, training: false);
        using var training = layer.Call(x, training: true);

        Assert.True(inference.equal(x).all().item<bool>());
        long zeros = (training == 0).sum().item<long>();
        Assert.InRange(zeros, 350, 650);
        Assert.Equal(2f, training.max().item<float>());
    }

    [Fact]
    public void Reshape_RejectsIncompatibleSize_WithShapesInMessage()
    {
        using var layer = new Reshape(new long[] { 5, 5 });

        var ex = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(2, 24)));

        Assert.Contains("(None, 24)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("[5, 5]", ex.Message, StringComparison.Ordinal);
    }

    private static Layer Create(string which) => which switch
    {
        "relu" => new ReLU(),
        "leaky" => new LeakyReLU(0.2),
        "activation" => new Activation("tanh"),
        "dropout" => new Dropout(0.25),
        "flatten" => new Flatten(),
        "reshape" => new Reshape(new long[] { 3, -1 }),
        _ => throw new ArgumentOutOfRangeException(nameof(which)),
    };

    [Fact]
    public void LeakyReLU_RefusesANegativeAlpha_NamingTheArgument()
    {
        Assert.Equal("alpha", Assert.Throws<ArgumentOutOfRangeException>(() => new LeakyReLU(-0.1)).ParamName);
    }

    [Fact]
    public void ReLUAndLeakyReLU_Onnx_MatchInference_WithANonDefaultSlope()
    {
        // Given ReLU, then a LeakyReLU whose slope differs from ONNX's default 0.01
        // When exported and run by ONNX Runtime
        var (error, _) = LayerOnnxCheck.Run(z => new ReLU().Call(new Dense(3).Call(new LeakyReLU(0.25).Call(new Dense(4).Call(z)))), latentDim: 3);

        // Then
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }
}
