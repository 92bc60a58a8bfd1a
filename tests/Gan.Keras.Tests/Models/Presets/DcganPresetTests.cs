using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Models.Presets;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models.Presets;

public class DcganPresetTests
{
    [Fact]
    public void Generator_MapsLatentVectorsTo28x28ImagesInTanhRange()
    {
        using var generator = DcganPreset.Generator();

        using var images = generator.Call(torch.randn(3, DcganPreset.DefaultLatentDim), training: false);

        Assert.Equal(new long[] { 3, 1, 28, 28 }, images.shape);
        Assert.True(images.abs().max().item<float>() <= 1f);
    }

    [Theory]
    [InlineData(1, 28, 7, 64)]
    [InlineData(3, 32, 4, 128)]
    [InlineData(3, 64, 4, 256)]
    [InlineData(3, 16, 4, 64)]
    [InlineData(1, 56, 7, 128)]
    [InlineData(3, 128, 4, 256)]
    public void BothNetworks_FitTheImageShape_DoublingFromTheStartMap(int channels, int side, int start, int firstFilters)
    {
        // Given the preset's networks for [channels, side, side]
        using var generator = DcganPreset.Generator(channels: channels, side: side);
        using var discriminator = DcganPreset.Discriminator(channels, side);

        // When noise goes through the generator and its images through the discriminator
        using var scope = torch.NewDisposeScope();
        var images = generator.Call(torch.randn(2, DcganPreset.DefaultLatentDim), training: false);
        var logits = discriminator.Call(images, training: false);

        // Then the images have the data's shape, the projection is start x start x filters, and D gives one logit each
        Assert.Equal(new long[] { 2, channels, side, side }, images.shape);
        Assert.Equal(new long[] { 2, 1 }, logits.shape);
        Assert.Equal(new long[] { firstFilters, start, start }, generator.SubLayers[3].OutputShape);
        int transposed = generator.SubLayers.Count(l => l is Conv2DTranspose);
        Assert.Equal(side, start << transposed);
        Assert.Equal(transposed, discriminator.SubLayers.Count(l => l is Conv2D));
    }

    [Fact]
    public void SideNotReachedByDoubling_RaisesErrorListingTheSidesThatAre()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => DcganPreset.Generator(channels: 3, side: 48));

        Assert.Contains("48 is not one", error.Message);
        Assert.Contains("Supported sides: 8, 14, 16, 28, 32, 56, 64, 112, 128", error.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => DcganPreset.Discriminator(3, 256));
    }

    [Fact]
    public void ConditionalVariant_TakesTheConditionOnBothNetworks()
    {
        using var generator = DcganPreset.Generator(conditionSize: 10);
        using var discriminator = DcganPreset.Discriminator(conditionChannels: 10);

        using var logits = discriminator.Call(torch.zeros(2, 11, 28, 28));

        Assert.Equal(new long[] { 74 }, generator.InputShape);
        Assert.Equal(new long[] { 2, 1 }, logits.shape);
    }

    [Fact]
    public void KernelInitializer_ReplacesTheDefaultNormalOnEveryKernel()
    {
        // Given the networks with and without a Glorot-uniform initializer
        var glorot = new GlorotUniform();
        using var generator = DcganPreset.Generator(kernelInitializer: glorot);
        using var discriminator = DcganPreset.Discriminator(kernelInitializer: glorot);
        using var defaultGenerator = DcganPreset.Generator();

        // When their kernel layers' initializers are read
        var given = generator.SubLayers.Concat(discriminator.SubLayers).Select(KernelInitializer).OfType<Initializer>().ToList();
        var defaults = defaultGenerator.SubLayers.Select(KernelInitializer).OfType<Initializer>().ToList();

        // Then all six kernels (three in each network) use the given one, and the default is N(0, 0.02)
        Assert.Equal(6, given.Count);
        Assert.All(given, init => Assert.Same(glorot, init));
        Assert.All(defaults, init => Assert.IsType<RandomNormal>(init));
    }

    private static Initializer? KernelInitializer(Layer layer) => layer switch
    {
        Dense dense => dense.KernelInitializer,
        Conv2D conv => conv.KernelInitializer,
        Conv2DTranspose transposed => transposed.KernelInitializer,
        _ => null,
    };
}
