using Gan.Keras.Layers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class RandomTranslationTests
{
    [Fact]
    public void MeetsLayerContract()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new RandomTranslation(0.2, 0.3, seed: 1), () => new[] { torch.randn(4, 3, 5, 6) }, new long[] { 4, 3, 5, 6 }, 0, 0));
    }

    [Fact]
    public void Training_ShiftsDownAndRight_FillingAsAsked()
    {
        // Given a 4x4 image 1..16, shifted by exactly a quarter of its height down and a quarter of its width left
        using var scope = torch.NewDisposeScope();
        using var constant = new RandomTranslation((0.25, 0.25), (-0.25, -0.25), fillMode: "constant", fillValue: -1, seed: 1);
        using var reflect = new RandomTranslation((0.25, 0.25), (-0.25, -0.25), seed: 1);
        var image = torch.arange(1, 17, torch.float32).reshape(1, 1, 4, 4);

        // When
        var filled = constant.Call(image, training: true);
        var reflected = reflect.Call(image, training: true);

        // Then row 0 comes from outside (−1, or row 0 reflected), rows 1–3 are rows 0–2 moved one column left
        var expectedFilled = new float[] { -1, -1, -1, -1, 2, 3, 4, -1, 6, 7, 8, -1, 10, 11, 12, -1 };
        var expectedReflected = new float[] { 2, 3, 4, 4, 2, 3, 4, 4, 6, 7, 8, 8, 10, 11, 12, 12 };
        Assert.True(filled.allclose(torch.tensor(expectedFilled).reshape(1, 1, 4, 4), rtol: 0, atol: 1e-5), string.Join(", ", filled.data<float>().ToArray()));
        Assert.True(reflected.allclose(torch.tensor(expectedReflected).reshape(1, 1, 4, 4), rtol: 0, atol: 1e-5), string.Join(", ", reflected.data<float>().ToArray()));
    }

    [Fact]
    public void Inference_IsTheIdentity()
    {
        using var scope = torch.NewDisposeScope();
        using var layer = new RandomTranslation(0.5, 0.5, seed: 2);
        var images = torch.randn(3, 2, 4, 4);

        Assert.True(layer.Call(images, training: false).equal(images).all().item<bool>());
    }

    [Fact]
    public void Constructor_RefusesAFactorOutsideMinusOneOne_AndKerasWrapMode()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new RandomTranslation(1.5, 0.1));
        var wrap = Assert.Throws<ArgumentException>(() => new RandomTranslation(0.1, 0.1, fillMode: "wrap"));
        Assert.Contains("not supported", wrap.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Onnx_IsTheIdentity()
    {
        // Given / When / Then
        double error = OnnxLayerCheck.MaxError(new Layer[] { new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new RandomTranslation(0.2, 0.2, seed: 1) }, latentDim: 4);
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void SymmetricFactors_ShiftBothWays()
    {
        // Given / When
        using var layer = new RandomTranslation(0.2, 0.3);

        // Then
        Assert.Equal((-0.2, 0.2), layer.HeightFactor);
        Assert.Equal((-0.3, 0.3), layer.WidthFactor);
    }
}
