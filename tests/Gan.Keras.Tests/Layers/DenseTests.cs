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
}
