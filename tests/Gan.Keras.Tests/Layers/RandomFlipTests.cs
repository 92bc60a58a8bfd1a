using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class RandomFlipTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new RandomFlip(seed: 1), () => new[] { torch.randn(4, 3, 4, 5) }, new long[] { 4, 3, 4, 5 }, 0, 0));
    }

    [Fact]
    public void Horizontal_FlipsAboutHalfTheImagesLeftToRight_OnlyInTraining()
    {
        // Given 200 copies of one asymmetric image
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomFlip("horizontal", seed: 3);
        var images = torch.arange(6, torch.float32).reshape(1, 1, 2, 3).expand(200, 1, 2, 3).contiguous();

        // When
        var trained = layer.Call(images, training: true);
        var inferred = layer.Call(images, training: false);

        // Then each output is the image or its mirror image, the mirror about half the time, and inference changes nothing
        var flipped = images.flip(3);
        var isFlipped = (trained == flipped).reshape(200, -1).all(1);
        var isSame = (trained == images).reshape(200, -1).all(1);
        Assert.True((isFlipped | isSame).all().item<bool>());
        Assert.InRange(isFlipped.sum().item<long>(), 70, 130);
        Assert.True(inferred.equal(images).all().item<bool>());
    }

    [Fact]
    public void Vertical_FlipsTopToBottom()
    {
        // Given 50 copies of [[1, 2], [3, 4]]
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomFlip("vertical", seed: 4);
        var images = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2).expand(50, 1, 2, 2).contiguous();

        // When
        var trained = layer.Call(images, training: true);

        // Then some come out as [[3, 4], [1, 2]]
        var upsideDown = torch.tensor(new float[] { 3, 4, 1, 2 }).reshape(1, 1, 2, 2);
        Assert.True((trained == upsideDown).reshape(50, -1).all(1).any().item<bool>());
    }

    [Fact]
    public void Seed_MakesTheFlipsReproducible()
    {
        using var scope = torch.NewDisposeScope();
        using var a = new RandomFlip(seed: 5);
        using var b = new RandomFlip(seed: 5);
        var images = torch.randn(16, 1, 3, 3);

        Assert.True(a.Call(images, training: true).equal(b.Call(images, training: true)).all().item<bool>());
    }

    [Fact]
    public void Onnx_IsTheIdentity()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new RandomFlip(seed: 1) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void Vertical_NeverFlipsLeftToRight()
    {
        // Given 50 copies of [[1, 2], [3, 4]]
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomFlip("vertical", seed: 4);
        var images = torch.tensor(new float[] { 1, 2, 3, 4 }).reshape(1, 1, 2, 2).expand(50, 1, 2, 2).contiguous();

        // When
        var trained = layer.Call(images, training: true).reshape(50, 4);

        // Then every image is as it was or upside down, never mirrored
        var original = torch.tensor(new float[] { 1, 2, 3, 4 });
        var upsideDown = torch.tensor(new float[] { 3, 4, 1, 2 });
        Assert.True(((trained == original).all(1) | (trained == upsideDown).all(1)).all().item<bool>());
    }

    [Fact]
    public void Constructor_RefusesANullOrUnknownMode()
    {
        // Given / When / Then
        Assert.Equal("mode", Assert.Throws<ArgumentNullException>(() => new RandomFlip(null!)).ParamName);
        Assert.Equal("mode", Assert.Throws<ArgumentException>(() => new RandomFlip("diagonal")).ParamName);
    }
}
