using Gan.Keras.Models;
using Gan.Keras.Models.Presets;
using Xunit;

namespace Gan.Keras.Tests.Models.Presets;

public class ModelPresetsTests
{
    [Theory]
    [InlineData("mlp-small", new long[] { 2 }, 16, 0)]
    [InlineData("mlp", new long[] { 784 }, 100, 0)]
    [InlineData("dcgan", new long[] { 3, 16, 16 }, 64, 0)]
    [InlineData("conditional", new long[] { 1, 28, 28 }, 64, 10)]
    public void Create_BuildsEachPresetForTheSampleShape(string name, long[] shape, int latentDim, int classes)
    {
        using var gan = ModelPresets.Create(name, shape, seed: 1);

        Assert.Equal((latentDim, classes), (gan.LatentDim, gan.NumClasses));
        Assert.Equal(shape, gan.Generator.OutputShape ?? gan.Generator.ComputeOutputShape(gan.Generator.InputShape!));
    }

    [Theory]
    [InlineData("mlp", new long[] { 2 }, "for 2-D data such as ring8 or grid25 use the mlp-small model")]
    [InlineData("dcgan", new long[] { 2 }, "is a convolutional preset for images")]
    [InlineData("dcgan", new long[] { 1, 48, 48 }, "builds square images of side 8, 14, 16")]
    [InlineData("resnet", new long[] { 2 }, "Unknown model preset 'resnet'")]
    public void Create_RefusesShapesAPresetDoesNotFit_WithoutNamingACliFlag(string name, long[] shape, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ModelPresets.Create(name, shape, seed: 1));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
    }
}
