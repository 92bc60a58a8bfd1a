using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class RandomRotationTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new RandomRotation(0.1, seed: 1), () => new[] { torch.randn(4, 3, 5, 6) }, new long[] { 4, 3, 5, 6 }, 0, 0));
    }

    [Fact]
    public void AQuarterTurn_RotatesCounterClockwise_AsRot90()
    {
        // Given a 3x3 image 1..9 and a rotation of exactly +0.25 turn
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomRotation((0.25, 0.25), seed: 1);
        var image = torch.arange(1, 10, torch.float32).reshape(1, 1, 3, 3);

        // When
        var rotated = layer.Call(image, training: true);

        // Then [[3, 6, 9], [2, 5, 8], [1, 4, 7]] (np.rot90: counter-clockwise)
        var expected = torch.tensor(new float[] { 3, 6, 9, 2, 5, 8, 1, 4, 7 }).reshape(1, 1, 3, 3);
        Assert.True(rotated.allclose(expected, rtol: 0, atol: 1e-4), string.Join(", ", rotated.data<float>().ToArray()));
    }

    [Fact]
    public void AQuarterTurn_OfAWideImage_KeepsPixelsSquare()
    {
        // Given a 2x4 image with a single lit pixel at row 0, column 2, turned +0.25 about the centre (1.5, 0.5)
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomRotation((0.25, 0.25), fillMode: "constant", interpolation: "nearest", seed: 1);
        var image = torch.zeros(1, 1, 2, 4);
        image[0, 0, 0, 2] = torch.tensor(1f);

        // When
        var rotated = layer.Call(image, training: true);

        // Then the pixel (x − 1.5, y − 0.5) = (0.5, −0.5) turns counter-clockwise to (−0.5, −0.5): row 0, column 1
        Assert.Equal(1f, rotated[0, 0, 0, 1].item<float>());
        Assert.Equal(1f, rotated.sum().item<float>());
    }

    [Fact]
    public void Inference_IsTheIdentity()
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomRotation(0.5, seed: 2);
        var images = torch.randn(3, 2, 4, 4);

        Assert.True(layer.Call(images, training: false).equal(images).all().item<bool>());
    }

    [Fact]
    public void Onnx_IsTheIdentity()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new RandomRotation(0.2, seed: 1) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void SymmetricFactor_TurnsBothWays()
    {
        // Given / When
        using var layer = new RandomRotation(0.25);

        // Then
        Assert.Equal((-0.25, 0.25), layer.Factor);
    }
}
