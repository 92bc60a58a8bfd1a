using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class DiffAugmentTests
{
    [Theory]
    [InlineData("color")]
    [InlineData("translation")]
    [InlineData("cutout")]
    [InlineData("color,translation,cutout")]
    public void Apply_KeepsTheShape_AndLetsGradientsFlowToTheInput(string policy)
    {
        // Given a batch of 4 RGB 8x8 images that requires gradients
        using var scope = torch.NewDisposeScope();
        var images = (torch.rand(4, 3, 8, 8, generator: new torch.Generator(1)) * 2 - 1).requires_grad_(true);

        // When it is augmented and a loss of the result is differentiated
        var augmented = new DiffAugment(policy).Apply(images, new torch.Generator(2));
        augmented.pow(2).sum().backward();

        // Then the shape is kept, the images changed, and the gradient reaches the input (finite, not all zero)
        Assert.Equal(images.shape, augmented.shape);
        Assert.False(augmented.detach().eq(images.detach()).all().item<bool>());
        var grad = images.grad!;
        Assert.True(grad.isfinite().all().item<bool>() && grad.abs().sum().item<float>() > 0);
    }

    [Fact]
    public void Translation_ShiftsWholeImagesByWholePixels_AndCutoutZeroesOneSquare()
    {
        // Given one 8x8 gray image of distinct positive values
        using var scope = torch.NewDisposeScope();
        var image = torch.arange(1, 65, dtype: torch.float32).reshape(1, 1, 8, 8);

        // When it is translated (at most 1 pixel) and, separately, cut out (a 4x4 square)
        var moved = new DiffAugment("translation").Apply(image, new torch.Generator(5));
        var cut = new DiffAugment("cutout").Apply(image, new torch.Generator(5));

        // Then the translated image is the original shifted by (dy, dx) in [-1, 1]² with zeros shifted in
        bool found = false;
        for (int dy = -1; dy <= 1 && !found; dy++)
            for (int dx = -1; dx <= 1 && !found; dx++)
            {
                var expected = torch.nn.functional.pad(image, new long[] { 1, 1, 1, 1 })[.., .., (1 + dy)..(9 + dy), (1 + dx)..(9 + dx)];
                found = expected.eq(moved).all().item<bool>();
            }
        Assert.True(found, "not a whole-pixel shift");
        // and the cut-out one keeps every pixel but between 1 and 16 zeros, all in one square
        long zeros = cut.eq(0).sum().item<long>();
        Assert.InRange(zeros, 1, 16);
        Assert.True(cut.ne(0).logical_or(image.eq(0)).sum().item<long>() == 64 - zeros);
    }

    [Fact]
    public void Policy_RejectsUnknownTransforms_WithTheValidNames()
    {
        var error = Assert.Throws<ArgumentException>(() => new DiffAugment("color,flip"));

        Assert.Contains("unknown transform(s) 'flip'", error.Message);
        Assert.Contains("color, translation, cutout", error.Message);
    }

    [Fact]
    public void GanModel_AugmentsRealAndFakeBatchesWithTheSamePolicy_IndependentDraws_AndOnlyWhenSet()
    {
        // Given a GAN on flat 8x8 images whose discriminator records every batch it is given, with cutout augmentation
        var recorder = new RecordingLayer();
        RandomSeed.Set(3);
        var generator = new Sequential(new Layer[] { new Dense(64, "tanh") }, inputShape: new long[] { 4 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { recorder, new Dense(1) }, inputShape: new long[] { 64 }, name: "discriminator");
        using var gan = new GanModel(generator, discriminator, 4, seed: 3) { Augmentation = new DiffAugment("cutout") };
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new NonSaturatingLoss());
        using var data = new InMemoryDataset(torch.rand(16, 64) * 0.5 + 0.25);

        // When one step trains on 16 images (D sees real, then fake; G's update sees fake), then one without augmentation
        gan.Fit(data, epochs: 1, batchSize: 16);
        var augmented = recorder.Inputs.ToArray();
        recorder.Inputs.Clear();
        gan.Augmentation = null;
        gan.Fit(data, epochs: 1, batchSize: 16);

        // Then every image of the three augmented batches has a cut-out square (zeros; the data and tanh outputs have none)
        Assert.Equal(3, augmented.Length);
        foreach (var batch in augmented)
            Assert.True(batch.eq(0).any(1).all().item<bool>(), "an image without a cut-out");
        // with draws of their own (the real and the fake batch are not cut in the same places), and none without augmentation
        Assert.False(augmented[0].eq(0).eq(augmented[1].eq(0)).all().item<bool>());
        Assert.All(recorder.Inputs, batch => Assert.False(batch.eq(0).any().item<bool>()));
    }

    private sealed class RecordingLayer : Layer
    {
        public RecordingLayer() : base(null) { }

        public List<torch.Tensor> Inputs { get; } = new();

        public override IReadOnlyList<long> ComputeOutputShape(IReadOnlyList<long> inputShape) => inputShape;

        public override LayerConfig GetConfig() => new FlattenConfig(Name);

        protected override torch.Tensor CallCore(torch.Tensor inputs, bool training)
        {
            if (training) Inputs.Add(inputs.detach().clone().DetachFromDisposeScope());
            return inputs.alias();
        }
    }
}
