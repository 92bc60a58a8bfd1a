using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class LayerNormalizationTests
{
    [Fact]
    public void MeetsLayerContract_OnFeatures()
    {
        // Given [8, 6]: γ and β of 6 each
        // When / Then
        LayerHarness.Run(new LayerCase(() => new LayerNormalization(), () => new[] { torch.randn(8, 6) * 3 + 1 }, new long[] { 8, 6 }, 12, 12));
    }

    [Fact]
    public void MeetsLayerContract_OnWholeImages()
    {
        // Given [2, 3, 4, 4] normalised over [1, 2, 3]: γ and β of 3·4·4 each
        // When / Then
        LayerHarness.Run(new LayerCase(() => new LayerNormalization(new[] { 1, 2, 3 }), () => new[] { torch.randn(2, 3, 4, 4) }, new long[] { 2, 3, 4, 4 }, 96, 96));
    }

    [Fact]
    public void Call_NormalisesEachExampleOverTheLastAxis_ThenScalesAndOffsets()
    {
        // Given one example [1, 2, 3, 6] (mean 3, biased variance 3.5) and γ = [1, 2, 0.5, −1], β = [0.1, −0.2, 0.3, 0]
        using var scope = torch.NewDisposeScope();
        using var layer = new LayerNormalization();
        var x = torch.tensor(new float[] { 1, 2, 3, 6 }).reshape(1, 4);
        layer.Build(new long[] { 4 });
        using (torch.no_grad())
        {
            layer.get_parameter("gamma")!.copy_(torch.tensor(new float[] { 1, 2, 0.5f, -1 }));
            layer.get_parameter("beta")!.copy_(torch.tensor(new float[] { 0.1f, -0.2f, 0.3f, 0 }));
        }

        // When
        var y = layer.Call(x, training: true);

        // Then (x − 3)/√(3.5 + 1e-3) = [−1.06889, −0.53445, 0, 1.60334], times γ plus β (hand-computed)
        var expected = new[] { -0.9688922796581098, -1.2688922796581097, 0.3, -1.6033384194871645 };
        var actual = y.data<float>().ToArray();
        for (int i = 0; i < 4; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void Axis1_OnImages_NormalisesEachPixelOverItsChannels()
    {
        // Given a 1x2 image with two channels: pixel 0 has channels (1, 3), pixel 1 has (0, 4)
        using var scope = torch.NewDisposeScope();
        using var layer = new LayerNormalization(axis: 1);

        // When
        var y = layer.Call(torch.tensor(new float[] { 1, 0, 3, 4 }).reshape(1, 2, 1, 2));

        // Then pixel 0: (∓1)/√(1 + 1e-3); pixel 1: (∓2)/√(4 + 1e-3), and γ, β have one value per channel
        Assert.Equal(new long[] { 2 }, layer.get_parameter("gamma")!.shape);
        var actual = y.data<float>().ToArray();
        Assert.Equal(-0.9995003746877732, actual[0], 5);
        Assert.Equal(-0.9998750234326181, actual[1], 5);
        Assert.Equal(0.9995003746877732, actual[2], 5);
        Assert.Equal(0.9998750234326181, actual[3], 5);
    }

    [Fact]
    public void Constructor_RefusesTheBatchAxis()
    {
        var error = Assert.Throws<ArgumentException>(() => new LayerNormalization(axis: 0));

        Assert.Equal("axes", error.ParamName);
    }

    [Fact]
    public void Build_RefusesAnAxisTheInputDoesNotHave()
    {
        using var layer = new LayerNormalization(axis: 3);

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Call(torch.zeros(2, 5)));

        Assert.Contains("(None, 5)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetConfig_RoundTripsTheAxes()
    {
        using var layer = new LayerNormalization(new[] { 1, -1 }, epsilon: 1e-5, center: false, name: "ln");

        var config = layer.GetConfig();

        Assert.Equal(new LayerNormalizationConfig(new[] { 1, -1 }, 1e-5, false, true, "ln"), config);
        Assert.NotEqual(new LayerNormalizationConfig(new[] { 1, -2 }, 1e-5, false, true, "ln"), config);
    }

    [Fact]
    public void Onnx_MatchesInference()
    {
        // Given every form: the last axis of features, the channels of images, whole images without β
        // When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(48), new LayerNormalization(), new Reshape(new long[] { 3, 4, 4 }), new LayerNormalization(axis: 1),
            new LayerNormalization(new[] { 1, 2, 3 }, center: false), new LayerNormalization(new[] { -1, -2 }, epsilon: 1e-5, scale: false),
        }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void Constructor_RefusesNullEmptyOrRepeatedAxes_AndANonPositiveEpsilon()
    {
        Assert.Equal("axes", Assert.Throws<ArgumentNullException>(() => new LayerNormalization((int[])null!)).ParamName);
        Assert.Equal("axes", Assert.Throws<ArgumentException>(() => new LayerNormalization(Array.Empty<int>())).ParamName);
        var repeated = Assert.Throws<ArgumentException>(() => new LayerNormalization(new[] { 1, 1 }));
        Assert.Equal("axes", repeated.ParamName);
        Assert.Contains("axes [1, 1] are not valid", repeated.Message, StringComparison.Ordinal);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new LayerNormalization(epsilon: 0)).ParamName);
    }

    [Theory]
    [InlineData(new[] { 2 })]
    [InlineData(new[] { 1, 5 })]
    [InlineData(new[] { -2 })]
    public void Build_RefusesAxesTheInputDoesNotHave_NamingThem(int[] axes)
    {
        using var layer = new LayerNormalization(axes, name: "ln");

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Build(new long[] { 3 }));

        Assert.Contains($"Layer 'ln' (LayerNormalization) normalises axes [{string.Join(", ", axes)}], but its input (None, 3) has axes 1 to 1 besides the batch.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_RefusesTwoAxesThatAreTheSame()
    {
        using var layer = new LayerNormalization(new[] { 1, -1 }, name: "ln");

        var error = Assert.Throws<IncompatibleInputException>(() => layer.Build(new long[] { 3 }));

        Assert.Equal("Layer 'ln' (LayerNormalization) names the same axis twice in [1, -1] for input (None, 3).", error.Message);
    }

    [Fact]
    public void GammaAndBeta_HaveTheNormalisedAxesSizes_InAxisOrder_WhateverOrderTheyAreGiven()
    {
        using var layer = new LayerNormalization(new[] { 2, 1 });

        layer.Build(new long[] { 2, 3 });

        Assert.Equal(new long[] { 2, 3 }, layer.TrainableVariables[0].shape);
        Assert.Equal(new long[] { 2, 3 }, layer.TrainableVariables[1].shape);
    }

    [Fact]
    public void Config_DiffersWhenAnyFieldDiffers()
    {
        var config = new LayerNormalizationConfig(new[] { 1, 2 }, 1e-3, true, false, "ln");

        Assert.Equal(new LayerNormalizationConfig(new[] { 1, 2 }, 1e-3, true, false, "ln"), config);
        Assert.NotEqual(new LayerNormalizationConfig(new[] { 1, 2 }, 1e-3, true, false, "other"), config);
        Assert.NotEqual(new LayerNormalizationConfig(new[] { 2, 1 }, 1e-3, true, false, "ln"), config);
        Assert.NotEqual(new LayerNormalizationConfig(new[] { 1, 2 }, 1e-5, true, false, "ln"), config);
        Assert.NotEqual(new LayerNormalizationConfig(new[] { 1, 2 }, 1e-3, false, false, "ln"), config);
        Assert.NotEqual(new LayerNormalizationConfig(new[] { 1, 2 }, 1e-3, true, true, "ln"), config);
        Assert.False(config.Equals(null));
    }

    [Fact]
    public void ExportOnnx_RefusesANullContext()
    {
        using var layer = new LayerNormalization();

        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => layer.ExportOnnx(null!, "x")).ParamName);
    }
}
