using Gan.Keras.Layers;
using Gan.Keras.Models;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Saving;

public class OutputRangeTests
{
    [Fact]
    public void OutputRange_IsInferredFromTheLastActivation_ThroughLayersThatOnlyMoveValues()
    {
        // Given generators ending in tanh, in a sigmoid under a crop and a reshape, in a linear layer, and a functional one
        var z = Keras.Input([3]);
        var functional = new Functional(z, new Reshape([1, 2, 2]).Call(new Dense(4, "sigmoid").Call(z)));

        // When / Then
        Assert.Equal((-1.0, 1.0), Range(new Sequential(new Layer[] { new Dense(4, "tanh") }, inputShape: [3])));
        Assert.Equal((0.0, 1.0), Range(new Sequential(new Layer[] { new Dense(16), new Reshape([1, 4, 4]), new Conv2D(1, 1, activation: "sigmoid"), new Cropping2D(1), new Flatten() }, inputShape: [3])));
        Assert.Equal((0.0, 1.0), Range(new Sequential(new Layer[] { new Dense(4), new Activation("sigmoid") }, inputShape: [3])));
        Assert.Equal((0.0, 1.0), Range(functional));
        Assert.Null(Gan.Keras.Saving.OutputRange.Infer(new Sequential(new Layer[] { new Dense(4) }, inputShape: [3])));
    }

    [Fact]
    public void GanOutputRange_DefaultsToTanh_AndCanBeSet()
    {
        // Given a GAN whose generator ends in a linear layer
        using var gan = new GanModel(new Sequential(new Layer[] { new Dense(2) }, inputShape: [3]), new Sequential(new Layer[] { new Dense(1) }, inputShape: [2]), latentDim: 3, seed: 1);

        // When / Then the default is tanh's, an explicit range wins, and a bad one is refused
        Assert.Equal((-1.0, 1.0), gan.OutputRange);
        gan.OutputRange = (0, 255);
        Assert.Equal((0.0, 255.0), gan.OutputRange);
        Assert.Throws<ArgumentOutOfRangeException>(() => gan.OutputRange = (1, -1));
    }

    private static (double, double)? Range(Model model)
    {
        using (model) return Gan.Keras.Saving.OutputRange.Infer(model);
    }
}
