using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests;

public class UtilsTests
{
    [Fact]
    public void ToCategorical_MakesOneHotRows()
    {
        // Given labels [2, 0, 1] and 4 classes
        using var scope = torch.NewDisposeScope();

        // When
        var oneHot = Utils.ToCategorical(torch.tensor(new long[] { 2, 0, 1 }), numClasses: 4);

        // Then
        Assert.Equal(new long[] { 3, 4 }, oneHot.shape);
        Assert.Equal(torch.float32, oneHot.dtype);
        Assert.Equal(new float[] { 0, 0, 1, 0, 1, 0, 0, 0, 0, 1, 0, 0 }, oneHot.data<float>().ToArray());
    }

    [Fact]
    public void ToCategorical_InfersTheClassCount_AndDropsATrailingAxisOfOne()
    {
        // Given labels shaped [batch, 1], as Keras-GAN scripts keep them
        using var scope = torch.NewDisposeScope();

        // When
        var oneHot = Utils.ToCategorical(torch.tensor(new long[] { 1, 3 }, new long[] { 2, 1 }));

        // Then the largest label + 1 classes
        Assert.Equal(new long[] { 2, 4 }, oneHot.shape);
        Assert.Equal(new float[] { 0, 1, 0, 0, 0, 0, 0, 1 }, oneHot.data<float>().ToArray());
    }

    [Fact]
    public void ToCategorical_RefusesALabelOutsideTheClasses()
    {
        var error = Assert.Throws<ArgumentException>(() => Utils.ToCategorical(torch.tensor(new long[] { 0, 10 }), numClasses: 10));

        Assert.Contains("[0, 10)", error.Message, StringComparison.Ordinal);
        Assert.Contains("received 10", error.Message, StringComparison.Ordinal);
    }
}
