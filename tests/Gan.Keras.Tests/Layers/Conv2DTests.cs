using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class Conv2DTests
{
    [Theory]
    [InlineData(4, 2, "same", 14, 14)]   // DCGAN discriminator: ceil(28 / 2)
    [InlineData(5, 2, "same", 14, 14)]   // odd kernel, TensorFlow's uneven padding
    [InlineData(3, 1, "valid", 26, 26)]  // 28 − 3 + 1
    [InlineData(4, 3, "valid", 9, 9)]    // floor((28 − 4) / 3) + 1
    public void MeetsLayerContract(int kernel, int stride, string padding, long outH, long outW)
    {
        // Given a Conv2D with 8 filters on [2, 3, 28, 28]; params = 8·3·k·k + 8
        // When / Then
        LayerHarness.Run(new LayerCase(
            () => new Conv2D(8, kernel, stride, padding),
            () => new[] { torch.randn(2, 3, 28, 28) },
            new long[] { 2, 8, outH, outW },
            8 * 3 * kernel * kernel + 8, 8 * 3 * kernel * kernel + 8));
    }

    [Fact]
    public void SamePadding_PutsTheExtraRowAndColumnAtTheEnd_AsTensorFlow()
    {
        // Given a 2x2 kernel of ones, stride 1, "same" on a 3x3 image 1..9: TensorFlow pads 0 before and 1 after
        using var scope = torch.NewDisposeScope();
        using var conv = new Conv2D(1, 2, 1, "same", useBias: false, kernelInitializer: new Gan.Keras.Layers.Initializers.Ones());
        var image = torch.arange(1, 10, dtype: torch.float32).reshape(1, 1, 3, 3);

        // When
        var output = conv.Call(image);

        // Then each output sums its pixel, the right, below and below-right neighbours (zeros past the edge)
        Assert.Equal(new float[] { 12, 16, 9, 24, 28, 15, 15, 17, 9 }, output.data<float>().ToArray());
    }

    [Fact]
    public void Call_RaisesClearError_WhenInputIsFlat()
    {
        // Given
        using var conv = new Conv2D(4, 3, name: "conv");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => conv.Call(torch.zeros(2, 784)));

        // Then
        Assert.Contains("expects images [batch, channels, height, width] (NCHW)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Reshape([channels, height, width])", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RejectsUnknownPadding()
    {
        // Given / When / Then
        var error = Assert.Throws<ArgumentException>(() => new Conv2D(4, 3, padding: "full"));
        Assert.Equal("padding", error.ParamName);
    }
}
