using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class BatchNormalizationTests
{
    [Fact]
    public void MeetsLayerContract_OnImages()
    {
        // Given images [4, 3, 5, 5]: γ, β trainable (2·3), moving mean and variance non-trainable (2·3)
        // When / Then
        LayerHarness.Run(new LayerCase(() => new BatchNormalization(), () => new[] { torch.randn(4, 3, 5, 5) * 3 + 1 }, new long[] { 4, 3, 5, 5 }, 12, 6));
    }

    [Fact]
    public void MeetsLayerContract_OnFeatures()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new BatchNormalization(momentum: 0.9, epsilon: 1e-5), () => new[] { torch.randn(8, 6) }, new long[] { 8, 6 }, 24, 12));
    }

    [Fact]
    public void Training_NormalizesWithBatchStatistics_AndUpdatesMovingStatisticsAsKeras()
    {
        // Given one feature with batch [1, 2, 3, 6]: mean 3, biased variance (4 + 1 + 0 + 9) / 4 = 3.5
        using var scope = torch.NewDisposeScope();
        using var bn = new BatchNormalization();
        var x = torch.tensor(new float[] { 1, 2, 3, 6 }).reshape(4, 1);

        // When
        var y = bn.Call(x, training: true);

        // Then y = (x − 3)/√(3.5 + 1e-3); moving mean = 0.99·0 + 0.01·3, moving variance = 0.99·1 + 0.01·3.5
        Assert.Equal(-2 / Math.Sqrt(3.501), y[0, 0].item<float>(), 5);
        Assert.Equal(0.03, bn.MovingMean.item<float>(), 6);
        Assert.Equal(1.025, bn.MovingVariance.item<float>(), 6);
        Assert.Equal(0.99, bn.Momentum);
        Assert.Equal(1e-3, bn.Epsilon);
    }

    [Fact]
    public void Inference_UsesMovingStatistics_AndDoesNotUpdateThem()
    {
        // Given a fresh layer (moving mean 0, variance 1)
        using var scope = torch.NewDisposeScope();
        using var bn = new BatchNormalization();
        var x = torch.tensor(new float[] { 1, 2, 3, 6 }).reshape(4, 1);

        // When
        var y = bn.Call(x, training: false);

        // Then y = x/√(1 + 1e-3) and the statistics stay put
        Assert.Equal(6 / Math.Sqrt(1.001), y[3, 0].item<float>(), 5);
        Assert.Equal(0.0, bn.MovingMean.item<float>());
        Assert.Equal(1.0, bn.MovingVariance.item<float>());
    }

    [Fact]
    public void FrozenLayer_RunsInInferenceMode_EvenWhenTraining()
    {
        // Given a layer with Trainable = false
        using var scope = torch.NewDisposeScope();
        using var bn = new BatchNormalization { Trainable = false };
        var x = torch.tensor(new float[] { 1, 2, 3, 6 }).reshape(4, 1);

        // When
        bn.Call(x, training: true);

        // Then (Keras 2.1+ behaviour) the moving statistics do not move
        Assert.Equal(0.0, bn.MovingMean.item<float>());
    }

    [Fact]
    public void LayerInAFrozenModel_RunsInInferenceMode_EvenWhenTraining()
    {
        // Given a model holding a BatchNormalization layer, frozen as a whole (as Keras 3: the flag reaches sublayers)
        using var scope = torch.NewDisposeScope();
        var bn = new BatchNormalization();
        using var model = new Gan.Keras.Models.Sequential(new Layer[] { bn }, inputShape: new long[] { 1 });
        model.Trainable = false;
        var x = torch.tensor(new float[] { 1, 2, 3, 6 }).reshape(4, 1);

        // When it runs in training mode
        var y = model.Call(x, training: true);

        // Then the moving statistics stay put and the output uses them: x / √(1 + ε)
        Assert.False(bn.Trainable);
        Assert.Equal(0.0, bn.MovingMean.item<float>());
        Assert.Equal(6 / Math.Sqrt(1.001), y[3, 0].item<float>(), 5);

        // And unfreezing the model trains the layer again
        model.Trainable = true;
        model.Call(x, training: true);
        Assert.NotEqual(0.0, bn.MovingMean.item<float>());
    }

    [Theory]
    [InlineData(false, 1.25)]
    [InlineData(true, 0.9 + 0.1 * 14.0 / 3.0)]
    public void MovingVariance_TakesTheBiasedOrUnbiasedBatchVariance(bool unbiased, double expected)
    {
        // Given x = 1, 2, 3, 6 (mean 3; biased variance 14/4, unbiased 14/3) and Keras momentum 0.9 (PyTorch's 0.1)
        using var scope = torch.NewDisposeScope();
        using var bn = new BatchNormalization(momentum: 0.9, epsilon: 1e-5, unbiasedMovingVariance: unbiased);
        var x = torch.tensor(new float[] { 1, 2, 3, 6 }).reshape(4, 1);

        // When one training call runs
        var y = bn.Call(x, training: true);

        // Then the moving variance is 0.9·1 + 0.1·σ², and the output is normalised by the biased variance either way
        Assert.Equal(expected, bn.MovingVariance.item<float>(), 5);
        Assert.Equal((6 - 3) / Math.Sqrt(3.5 + 1e-5), y[3, 0].item<float>(), 5);
        Assert.Equal(unbiased, ((BatchNormalizationConfig)bn.GetConfig()).UnbiasedMovingVariance);
    }
    [Fact]
    public void MeetsLayerContract_WithoutCenterAndScale()
    {
        // Given [8, 3] without β and γ: only the moving statistics (2·3, non-trainable)
        // When / Then
        LayerHarness.Run(new LayerCase(() => new BatchNormalization(center: false, scale: false), () => new[] { torch.randn(8, 3) }, new long[] { 8, 3 }, 6, 0));
    }

    [Fact]
    public void WithoutCenterAndScale_InferenceOnlyNormalises()
    {
        // Given moving mean 2 and moving variance 4 − 1e-3, and no γ or β
        using var scope = torch.NewDisposeScope();
        using var bn = new BatchNormalization(center: false, scale: false);
        bn.Build(new long[] { 1 });
        using (torch.no_grad())
        {
            bn.MovingMean.fill_(2);
            bn.MovingVariance.fill_(4 - 1e-3);
        }

        // When
        var y = bn.Call(torch.tensor(new float[] { 0, 5 }).reshape(2, 1), training: false);

        // Then (x − 2)/2
        Assert.Equal(-1.0, y[0, 0].item<float>(), 5);
        Assert.Equal(1.5, y[1, 0].item<float>(), 5);
        Assert.Empty(bn.TrainableVariables);
    }

    [Fact]
    public void Onnx_MatchesInference_WithAndWithoutCenterAndScale()
    {
        // Given every combination, with perturbed moving statistics, γ and β
        // When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(12), new BatchNormalization(center: false, scale: false), new BatchNormalization(scale: false),
            new BatchNormalization(center: false), new Reshape(new long[] { 3, 2, 2 }), new BatchNormalization(center: false, scale: false, epsilon: 1e-5),
        }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Theory]
    [InlineData(1.0)]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    public void Constructor_RefusesAMomentumOutside0To1_NamingTheArgument(double momentum)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(momentum: momentum));

        Assert.Equal("momentum", error.ParamName);
        Assert.Contains("momentum must be in [0, 1)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RefusesANonPositiveEpsilon_NamingTheArgument()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new BatchNormalization(epsilon: 0));

        Assert.Equal("epsilon", error.ParamName);
    }

    [Fact]
    public void MomentumZero_ReplacesTheMovingStatisticsByTheBatchs_KeepingFloat64Precision()
    {
        // Given a float64 layer with momentum 0, and values float32 cannot tell apart (1e8 + 1, 1e8 + 3)
        using var bn = new BatchNormalization(momentum: 0);
        bn.Build(new long[] { 1 });
        bn.to(torch.float64);
        using var x = torch.tensor(new double[] { 1e8 + 1, 1e8 + 3 }, torch.float64).reshape(2, 1);

        // When one training call runs
        bn.Call(x, training: true).Dispose();

        // Then the moving mean is exactly the batch mean, computed in float64
        Assert.Equal(1e8 + 2, bn.MovingMean.item<double>());
        Assert.Equal(1.0, bn.MovingVariance.item<double>());
    }

    [Fact]
    public void UnbiasedMovingVariance_CountsTheValuesPerChannel()
    {
        // Given two channels of two values each: biased variances 1 and 4, unbiased (×2/1) 2 and 8
        using var bn = new BatchNormalization(momentum: 0, unbiasedMovingVariance: true);
        using var x = torch.tensor(new float[] { 0, 0, 2, 4 }).reshape(2, 2);

        // When
        bn.Call(x, training: true).Dispose();

        // Then
        Assert.Equal(new float[] { 2, 8 }, bn.MovingVariance.data<float>().ToArray());
    }

    [Fact]
    public void Call_RaisesClearError_OnAOneDimensionalBatch()
    {
        using var bn = new BatchNormalization(name: "bn");

        var error = Assert.Throws<IncompatibleInputException>(() => bn.Call(torch.zeros(4)));

        Assert.Contains("Layer 'bn' (BatchNormalization) normalizes axis 1 (channels or features), but received a 1-D batch.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_NamesItsConstantsAfterTheLayer_AndRefusesANullContext()
    {
        // Given a layer without γ and β, whose export makes them
        var bn = new BatchNormalization(center: false, scale: false, name: "bn");

        // When
        var (error, model) = LayerOnnxCheck.Run(z => bn.Call(new Dense(3).Call(z)), latentDim: 2);

        // Then
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
        var constants = model.Graph.Initializer.Select(t => t.Name).ToArray();
        Assert.Contains("bn.gamma", constants);
        Assert.Contains("bn.beta", constants);
        Assert.Contains("bn.moving_mean", constants);
        Assert.Contains("bn.moving_variance", constants);
        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => bn.ExportOnnx(null!, "x")).ParamName);
    }

    [Fact]
    public void UnbiasedMovingVariance_WithOneValuePerChannel_TakesTheBiasedZero()
    {
        // Given one example of two features: n = 1 value per channel, where n/(n − 1) is undefined
        using var bn = new BatchNormalization(momentum: 0.5, unbiasedMovingVariance: true);

        // When
        bn.Call(torch.tensor(new float[] { 3, -1 }).reshape(1, 2), training: true).Dispose();

        // Then no correction is applied: 0.5·1 + 0.5·0
        Assert.Equal(new float[] { 0.5f, 0.5f }, bn.MovingVariance.data<float>().ToArray());
    }
}
