using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

public class ConditionalGanModelTests
{
    private const int LatentDim = 4;
    private const int Classes = 3;

    private static ConditionalGanModel CreateFlat()
    {
        // The generator takes [latent ‖ one_hot] (4 + 3); the discriminator takes [sample ‖ one_hot] (6 + 3), built by Fit.
        var generator = new Sequential(new Layer[] { new Dense(16, "relu"), new Dense(6, "tanh") }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(16), new LeakyReLU(0.2), new Dense(1) }, name: "discriminator");
        var gan = new ConditionalGanModel(generator, discriminator, LatentDim, Classes, seed: 3);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new NonSaturatingLoss());
        return gan;
    }

    private static InMemoryDataset Labelled(int count)
    {
        using var scope = torch.NewDisposeScope();
        return new InMemoryDataset(torch.rand(count, 6) * 2 - 1, torch.arange(count) % Classes);
    }

    [Fact]
    public void Fit_FeedsOneHotLabelsToBothNetworks()
    {
        // Given labelled flat data with 3 classes
        using var gan = CreateFlat();
        using var data = Labelled(24);

        // When it trains
        var history = gan.Fit(data, epochs: 2, batchSize: 8);

        // Then the generator was built for [latent + classes] and the discriminator for [features + classes]
        Assert.Equal(new long[] { LatentDim + Classes }, gan.Generator.InputShape);
        Assert.Equal(new long[] { 6 + Classes }, gan.Discriminator.InputShape);
        Assert.Equal(2, history["g_loss"].Count);
    }

    [Fact]
    public void Generate_DrawsNPerLabel_GroupedByLabel_AndTheLabelChangesTheSample()
    {
        // Given a conditional model
        using var gan = CreateFlat();
        using var scope = torch.NewDisposeScope();

        // When 2 samples of each of labels 0, 1, 2 are generated from one seed, and one latent vector is rendered with two labels
        var samples = gan.Generate(2, seed: 9, labels: new[] { 0, 1, 2 });
        var again = gan.Generate(2, seed: 9, labels: new[] { 0, 1, 2 });
        var z = torch.randn(1, LatentDim).expand(2, -1);
        var byLabel = gan.GenerateFrom(z, torch.tensor(new long[] { 0, 2 }));

        // Then there are 6 samples, reproducible, and the label alone changes the output
        Assert.Equal(new long[] { 6, 6 }, samples.shape);
        Assert.True(samples.allclose(again, rtol: 0, atol: 0));
        Assert.False(byLabel[0].allclose(byLabel[1]));
    }

    [Fact]
    public void Fit_ConditionsImagesWithConstantLabelChannels()
    {
        // Given 1x4x4 images: the discriminator sees [1 + 3, 4, 4]
        var generator = new Sequential(new Layer[] { new Dense(16, "tanh"), new Reshape(new long[] { 1, 4, 4 }) }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Conv2D(4, 3, 2, "same"), new Flatten(), new Dense(1) }, name: "discriminator");
        using var gan = new ConditionalGanModel(generator, discriminator, LatentDim, Classes, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new HingeLoss());
        using var data = new InMemoryDataset(torch.rand(8, 1, 4, 4), torch.arange(8) % Classes);

        // When
        gan.Fit(data, epochs: 1, batchSize: 4);

        // Then
        Assert.Equal(new long[] { 1 + Classes, 4, 4 }, gan.Discriminator.InputShape);
        Assert.Equal(new long[] { 3, 1, 4, 4 }, gan.Generate(1, labels: new[] { 0, 1, 2 }).shape);
    }

    [Fact]
    public void Fit_RaisesClearError_WhenDataHasNoLabels()
    {
        // Given unlabelled data
        using var gan = CreateFlat();
        using var data = new InMemoryDataset(torch.rand(8, 6));

        // When
        var error = Assert.Throws<ArgumentException>(() => gan.Fit(data, epochs: 1, batchSize: 4));

        // Then
        Assert.Contains("ConditionalGanModel needs labelled data", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_RaisesClearError_WhenLabelIsOutOfRange()
    {
        // Given
        using var gan = CreateFlat();

        // When
        var outOfRange = Assert.Throws<ArgumentException>(() => gan.Generate(1, labels: new[] { 0, 3 }));

        // Then
        Assert.Contains("class indices in [0, 3), but got values from 0 to 3", outOfRange.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_WithoutLabels_DrawsAscendingClasses_AsGivenLabelsWould()
    {
        // Given a conditional GAN of 3 classes
        using var gan = CreateFlat();

        // When 6 samples are drawn without labels, and with the labels 0, 0, 1, 1, 2, 2 for the same latent vectors
        using var z = torch.randn(6, LatentDim);
        using var unlabelled = gan.GenerateFrom(z);
        using var labelled = gan.GenerateFrom(z, torch.tensor(new long[] { 0, 0, 1, 1, 2, 2 }));
        using var seeded = gan.Generate(6, seed: 3);

        // Then the base API needs no labels: ascending classes, one block per class
        Assert.True(unlabelled.allclose(labelled, rtol: 0, atol: 0));
        Assert.Equal(new long[] { 6, 6 }, seeded.shape);
    }
}
