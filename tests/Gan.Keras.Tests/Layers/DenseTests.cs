using Gan.Keras.Layers.Initializers;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class DenseTests
{
    [Fact]
    public void Build_CreatesKerasLayoutKernelAndZeroBias()
    {
        using var dense = new Dense(3, name: "d");

        dense.Build(new long[] { 4 });

        Assert.Equal(new long[] { 4, 3 }, dense.Kernel.shape);
        Assert.Equal(new long[] { 3 }, dense.Bias!.shape);
        Assert.Equal(0f, dense.Bias.abs().sum().item<float>());
        Assert.Equal(15, dense.CountParams());
        Assert.Equal(new[] { "kernel", "bias" }, dense.named_parameters().Select(p => p.name));
    }

    [Fact]
    public void Call_ComputesInputTimesKernelPlusBias_ThenActivation()
    {
        using var dense = new Dense(2, "relu");
        dense.Build(new long[] { 2 });
        using (torch.no_grad())
        {
            dense.Kernel.copy_(torch.tensor(new float[] { 1, -1, 2, 3 }, new long[] { 2, 2 }));
            dense.Bias!.copy_(torch.tensor(new float[] { 0.5f, -10f }));
        }

        using var y = dense.Call(torch.tensor(new float[] { 1, 1 }, new long[] { 1, 2 }));

        // [1,1]·[[1,-1],[2,3]] + [0.5,-10] = [3.5, -8] → relu → [3.5, 0]
        Assert.Equal(new float[] { 3.5f, 0f }, y.data<float>().ToArray());
    }

    [Fact]
    public void Call_RaisesKerasStyleError_WhenImagesReachADenseBuiltForVectors()
    {
        using var model = new Sequential(new Layer[] { new Dense(8), new Dense(1) }, inputShape: new long[] { 784 });
        var dense1 = model.Layers[1];
        using var images = torch.zeros(64, 1, 28, 28);

        var ex = Assert.Throws<IncompatibleInputException>(() => model.Layers[0].Call(images));

        Assert.Equal("Layer 'dense_0' (Dense) expected input with last dimension 784, but received shape [64, 1, 28, 28]. Add a Flatten layer before it.", ex.Message);
        Assert.Equal(new long[] { 784 }, ex.Expected);
        Assert.Equal(new long[] { 64, 1, 28, 28 }, ex.Actual);
        Assert.Equal("dense_1", dense1.Name);
    }

    [Fact]
    public void GetConfig_RoundTripsToAnEquivalentLayer()
    {
        using var dense = new Dense(5, "tanh", useBias: false, name: "out");

        var config = dense.GetConfig();
        using var copy = (Dense)config.CreateLayer();

        Assert.Equal(config, copy.GetConfig());
        Assert.Equal(new DenseConfig(5, "tanh", false, "out"), config);
    }

    [Fact]
    public void Constructor_RejectsUnknownActivation_ListingValidNames()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Dense(3, "tanhh"));

        Assert.Contains("Unknown activation 'tanhh'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("tanh", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KernelInitializer_WithSeed_GivesTheSameWeightsTwice()
    {
        using var a = new Dense(4, kernelInitializer: new GlorotUniform(seed: 7));
        using var b = new Dense(4, kernelInitializer: new GlorotUniform(seed: 7));

        a.Build(new long[] { 3 });
        b.Build(new long[] { 3 });

        Assert.True(a.Kernel.equal(b.Kernel).all().item<bool>());
    }

    [Fact]
    public void Constructor_RefusesNonPositiveUnits_NamingTheArgument()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Dense(0));

        Assert.Equal("units", error.ParamName);
    }

    [Fact]
    public void BiasInitializer_FillsTheBias()
    {
        using var dense = new Dense(3, biasInitializer: new Ones());

        dense.Build(new long[] { 2 });

        Assert.Equal(new float[] { 1, 1, 1 }, dense.Bias!.data<float>().ToArray());
        Assert.IsType<Ones>(dense.BiasInitializer);
    }

    [Fact]
    public void KernelAndBias_ThrowBeforeBuild_AndBiasIsNullWithoutOne()
    {
        using var dense = new Dense(3, name: "d");
        using var noBias = new Dense(3, useBias: false);
        noBias.Build(new long[] { 2 });

        var kernel = Assert.Throws<InvalidOperationException>(() => dense.Kernel);
        var bias = Assert.Throws<InvalidOperationException>(() => dense.Bias);

        Assert.Equal("Layer 'd' is not built yet; call Build() or run it on data first.", kernel.Message);
        Assert.Equal(kernel.Message, bias.Message);
        Assert.Null(noBias.Bias);
    }

    [Fact]
    public void Call_OnARank3Input_AppliesTheKernelToTheLastAxis_WithBias()
    {
        // Given a Dense 2 → 1 with kernel [1, −2]ᵀ and bias 0.5, and a [1, 3, 2] input
        using var dense = new Dense(1);
        dense.Build(new long[] { 3, 2 });
        using (torch.no_grad())
        {
            dense.Kernel.copy_(torch.tensor(new float[] { 1, -2 }, new long[] { 2, 1 }));
            dense.Bias!.fill_(0.5f);
        }

        // When
        using var y = dense.Call(torch.tensor(new float[] { 1, 1, 2, 0, 0, 3 }, new long[] { 1, 3, 2 }));

        // Then each row x·k + b: −1 + 0.5, 2 + 0.5, −6 + 0.5; the shape computation agrees
        Assert.Equal(new long[] { 1, 3, 1 }, y.shape);
        Assert.Equal(new float[] { -0.5f, 2.5f, -5.5f }, y.data<float>().ToArray());
        Assert.Equal(new long[] { 3, 1 }, dense.ComputeOutputShape(new long[] { 3, 2 }));
    }

    [Fact]
    public void Call_RaisesClearError_OnAOneDimensionalBatch()
    {
        using var dense = new Dense(2, name: "d");

        var error = Assert.Throws<IncompatibleInputException>(() => dense.Call(torch.zeros(4)));

        Assert.Contains("Layer 'd' (Dense) needs inputs with at least 2 dimensions (batch, features), but received a 1-D batch.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_SuggestsCheckingTheUnits_WhenOnlyTheFeatureCountDiffers()
    {
        // Given a Dense built for 4 features
        using var dense = new Dense(2, name: "d");
        dense.Build(new long[] { 4 });

        // When it receives 5
        var error = Assert.Throws<IncompatibleInputException>(() => dense.Call(torch.zeros(2, 5)));

        // Then the fix is about the feature count, not a Flatten
        Assert.Equal("Layer 'd' (Dense) expected input with last dimension 4, but received shape [2, 5]. Check the previous layer's units or the data's feature count.", error.Message);
    }

    [Fact]
    public void CallWithKernel_BuildsTheLayerFirst_AndChecksTheInput()
    {
        // Given an unbuilt Dense and a kernel to use instead of its own (as spectral normalisation does)
        using var dense = new Dense(2, biasInitializer: new Ones());
        using var kernel = torch.tensor(new float[] { 1, 0, 0, 1, 1, 1 }, new long[] { 3, 2 });
        var withKernel = (IKernelLayer)dense;

        // When
        using var y = withKernel.CallWithKernel(torch.tensor(new float[] { 1, 2, 3 }, new long[] { 1, 3 }), kernel, false);
        var error = Assert.Throws<IncompatibleInputException>(() => withKernel.CallWithKernel(torch.zeros(1, 2), torch.zeros(2, 2), false));

        // Then it was built (its bias of ones is added) and a later input of another size is refused
        Assert.True(dense.Built);
        Assert.Equal(new float[] { 5, 6 }, y.data<float>().ToArray());
        Assert.Contains("expected input with last dimension 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ExportOnnx_RefusesANullContext()
    {
        using var dense = new Dense(2);

        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => dense.ExportOnnx(null!, "x")).ParamName);
    }

    [Fact]
    public void Onnx_MatchesInference_WithAndWithoutBias_OnVectorsAndOnRank3Inputs()
    {
        // Given Gemm without bias, then MatMul with and without Add on a [2, 3] input
        // When exported and run by ONNX Runtime
        var (error, _) = LayerOnnxCheck.Run(z =>
        {
            var rows = new Reshape([2, 3]).Call(new Dense(6, useBias: false).Call(z));
            return new Dense(2, useBias: false).Call(new Dense(4, "tanh").Call(rows));
        }, latentDim: 3);

        // Then
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }
}
