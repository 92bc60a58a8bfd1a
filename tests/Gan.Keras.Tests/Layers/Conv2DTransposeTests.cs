using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class Conv2DTransposeTests
{
    [Theory]
    [InlineData(4, 2, "same", null, 14)]   // DCGAN generator: 7·2
    [InlineData(5, 2, "same", null, 14)]   // 7·2 (uneven crop)
    [InlineData(3, 2, "valid", null, 15)]  // 7·2 + max(3 − 2, 0)
    [InlineData(1, 2, "valid", null, 14)]  // 7·2 + max(1 − 2, 0): the last row no window reaches is zero + bias
    [InlineData(3, 2, "same", 0, 13)]      // (7 − 1)·2 + 3 − 2·1 + 0
    [InlineData(3, 2, "same", 1, 14)]      // (7 − 1)·2 + 3 − 2·1 + 1
    [InlineData(4, 3, "valid", 2, 24)]     // (7 − 1)·3 + 4 − 0 + 2
    public void MeetsLayerContract_WithKerasOutputLengths(int kernel, int stride, string padding, int? outputPadding, long outSize)
    {
        // Given a Conv2DTranspose with 4 filters on [2, 6, 7, 7]; params = 6·4·k·k + 4
        // When / Then
        LayerHarness.Run(new LayerCase(
            () => new Conv2DTranspose(4, kernel, stride, padding, outputPadding),
            () => new[] { torch.randn(2, 6, 7, 7) },
            new long[] { 2, 4, outSize, outSize },
            6 * 4 * kernel * kernel + 4, 6 * 4 * kernel * kernel + 4));
    }

    [Theory]
    [InlineData(4, 2, "same", null, 14)]
    [InlineData(5, 2, "same", null, 14)]
    [InlineData(3, 2, "same", null, 14)]
    [InlineData(3, 2, "same", 0, 13)]
    [InlineData(5, 1, "same", null, 7)]
    [InlineData(4, 2, "valid", null, 16)]
    [InlineData(3, 3, "valid", null, 21)]
    public void IsTheAdjointOfConv2DWithTheSamePadding_AsTensorFlowDefinesIt(int kernel, int stride, string padding, int? outputPadding, long big)
    {
        // Given Conv2D (big → small) and Conv2DTranspose (small → big) sharing one kernel, without biases
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(3);
        using var conv = new Conv2D(5, kernel, stride, padding, useBias: false);
        using var transpose = new Conv2DTranspose(3, kernel, stride, padding, outputPadding, useBias: false);
        var x = torch.randn(2, 3, big, big);
        var y = torch.randn(new long[] { 2, 5 }.Concat(conv.ComputeOutputShape(new[] { 3L, big, big }).Skip(1)).ToArray());
        conv.Build(new[] { 3L, big, big });
        transpose.Build(y.shape.Skip(1).ToArray());
        using (torch.no_grad()) transpose.Kernel.copy_(conv.Kernel); // [5, 3, k, k]: Conv2D's [out, in], the transpose's [in, out]

        // When
        var convY = conv.Call(x);
        var transposeY = transpose.Call(y);

        // Then ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩: the transpose is the gradient of the convolution, crop and all
        Assert.Equal(x.shape, transposeY.shape);
        double left = (convY * y).sum().item<float>(), right = (x * transposeY).sum().item<float>();
        Assert.Equal(left, right, 2);
    }

    [Fact]
    public void Constructor_RejectsOutputPaddingNotSmallerThanStride()
    {
        // Given / When / Then
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(4, 3, 2, "same", outputPadding: 2));
        Assert.Equal("outputPadding", error.ParamName);
    }
}
