using Gan.Keras.Models.Presets;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models.Presets;

public class Dcgan28Tests
{
    [Fact]
    public void Generator_MapsLatentVectorsTo28x28ImagesInTanhRange()
    {
        using var generator = Dcgan28.Generator();

        using var images = generator.Call(torch.randn(3, Dcgan28.DefaultLatentDim), training: false);

        Assert.Equal(new long[] { 3, 1, 28, 28 }, images.shape);
        Assert.True(images.abs().max().item<float>() <= 1f);
    }

    [Fact]
    public void ConditionalVariant_TakesTheConditionOnBothNetworks()
    {
        using var generator = Dcgan28.Generator(conditionSize: 10);
        using var discriminator = Dcgan28.Discriminator(conditionChannels: 10);

        using var logits = discriminator.Call(torch.zeros(2, 11, 28, 28));

        Assert.Equal(new long[] { 74 }, generator.InputShape);
        Assert.Equal(new long[] { 2, 1 }, logits.shape);
    }
}
