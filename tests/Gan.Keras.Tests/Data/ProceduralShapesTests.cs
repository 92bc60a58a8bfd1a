using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class ProceduralShapesTests
{
    [Fact]
    public void Load_GivesBalancedLabelledImagesInTanhRange()
    {
        // Given / When 1,000 shapes are drawn
        using var shapes = ProceduralShapes.Load(1_000, seed: 3);

        // Then they are [1, 28, 28] images in [−1, 1] with a background at −1, and each class has 100 of them
        Assert.Equal(new long[] { 1_000, 1, 28, 28 }, shapes.Features.shape);
        Assert.True(shapes.Features.min().item<float>() >= -1f && shapes.Features.max().item<float>() <= 1f);
        Assert.True(shapes.Features.max().item<float>() > 0.4f, "shapes must have bright strokes");
        var counts = torch.bincount(shapes.Labels!).data<long>().ToArray();
        Assert.Equal(Enumerable.Repeat(100L, 10), counts);
    }

    [Fact]
    public void Load_IsReproducible_AndDiffersBetweenSeeds()
    {
        // Given / When the same seed twice and another seed
        using var a = ProceduralShapes.Load(50, seed: 7, flatten: true);
        using var b = ProceduralShapes.Load(50, seed: 7, flatten: true);
        using var c = ProceduralShapes.Load(50, seed: 8, flatten: true);

        // Then the same seed gives identical images and labels; another seed other images
        Assert.Equal(new long[] { 50, 784 }, a.Features.shape);
        Assert.True(a.Features.eq(b.Features).all().item<bool>());
        Assert.True(a.Labels!.eq(b.Labels!).all().item<bool>());
        Assert.False(a.Features.eq(c.Features).all().item<bool>());
    }

    [Fact]
    public void Load_DrawsClassesANearestCentroidClassifierTellsApart()
    {
        // Given class-mean images from 2,000 training shapes
        using var train = ProceduralShapes.Load(2_000, seed: 1, flatten: true);
        using var test = ProceduralShapes.Load(1_000, seed: 2, flatten: true);
        using var scope = torch.NewDisposeScope();
        var centroids = torch.stack(Enumerable.Range(0, 10).Select(k => train.Features[train.Labels!.eq(k)].mean(new long[] { 0 })).ToArray());

        // When held-out shapes are assigned to the nearest mean
        var predicted = torch.cdist(test.Features, centroids).argmin(1);
        double accuracy = predicted.eq(test.Labels!).to_type(torch.float32).mean().item<float>();

        // Then the classes are clearly distinguishable (chance is 10 %)
        Assert.True(accuracy > 0.5, $"nearest-centroid accuracy {accuracy:P1}");
    }
}
