using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Tests.Export.Onnx;
using Gan.Keras.Tests.Layers.Initializers;
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
        using var conv = new Conv2D(1, 2, 1, "same", useBias: false, kernelInitializer: new Ones());
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


    [Theory]
    [InlineData(2, 3)] // TensorFlow pads rows 0 + 1 (uneven), columns 1 + 1
    [InlineData(3, 2)] // rows 1 + 1, columns 0 + 1 (uneven)
    public void SamePadding_WithOneUnevenAxis_MatchesAHandComputedWindowSum(int kh, int kw)
    {
        // Given a kernel of ones, stride 1, "same", on a 3x3 image 1..9
        using var scope = torch.NewDisposeScope();
        using var conv = new Conv2D(1, (kh, kw), padding: "same", useBias: false, kernelInitializer: new Ones());
        var values = Enumerable.Range(1, 9).Select(v => (float)v).ToArray();
        var image = torch.tensor(values).reshape(1, 1, 3, 3);

        // When
        var output = conv.Call(image);

        // Then output (i, j) sums the window starting (kh − 1) / 2 rows above and (kw − 1) / 2 columns left, zeros outside
        var expected = new float[9];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int a = 0; a < kh; a++)
                    for (int b = 0; b < kw; b++)
                    {
                        int r = i - (kh - 1) / 2 + a, c = j - (kw - 1) / 2 + b;
                        if (r is >= 0 and < 3 && c is >= 0 and < 3) expected[i * 3 + j] += values[r * 3 + c];
                    }
        Assert.Equal(new long[] { 1, 1, 3, 3 }, output.shape);
        Assert.Equal(expected, output.data<float>().ToArray());
    }

    [Fact]
    public void Bias_IsAddedToEveryPixelOfItsFilter()
    {
        // Given two layers with the same seeded kernel, one with a non-zero bias per filter
        using var scope = torch.NewDisposeScope();
        using var withBias = new Conv2D(3, 3, 1, "same", kernelInitializer: new GlorotUniform(seed: 1), biasInitializer: new RandomNormal(1, 0.5, seed: 2));
        using var without = new Conv2D(3, 3, 1, "same", useBias: false, kernelInitializer: new GlorotUniform(seed: 1));
        var x = torch.randn(2, 4, 5, 5);

        // When
        var difference = withBias.Call(x) - without.Call(x);

        // Then the outputs differ by exactly the bias of each filter
        var expected = withBias.Bias!.reshape(1, 3, 1, 1).expand(2, 3, 5, 5);
        Assert.True(difference.allclose(expected, rtol: 0, atol: 1e-5), "The output must be the bias-free output plus the bias.");
        Assert.True(withBias.Bias!.abs().min().item<float>() > 0);
    }

    [Fact]
    public void Kernel_GetsKerasFans_FromChannelsAndFilters()
    {
        // Given a 2x3 kernel, 4 filters, on 5 channels: Keras's kernel [2, 3, 5, 4] has fan_in 5·6, fan_out 4·6
        var recorder = new FanRecorder();
        using var layer = new Conv2D(4, (2, 3), kernelInitializer: recorder);

        // When
        layer.Build(new long[] { 5, 4, 4 });

        // Then
        Assert.Equal((30L, 24L), recorder.Calls.Single());
        Assert.Equal(new long[] { 4, 5, 2, 3 }, layer.Kernel.shape);
    }

    [Theory]
    [InlineData(2, 5)]
    [InlineData(5, 2)]
    public void Valid_RefusesAKernelLargerThanTheInput_InEitherAxis(long h, long w)
    {
        // Given a 3x3 "valid" kernel
        using var layer = new Conv2D(2, 3, name: "conv");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => layer.ComputeOutputShape(new[] { 1L, h, w }));

        // Then
        Assert.Contains($"larger than its {h}x{w} input", error.Message, StringComparison.Ordinal);
        Assert.Contains("padding: \"same\"", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Valid_AcceptsAnInputAsLargeAsTheKernel()
    {
        // Given / When / Then: a 2x3 kernel on a 2x3 image gives one pixel; "same" accepts a smaller image
        using var layer = new Conv2D(2, (2, 3));
        Assert.Equal(new long[] { 2, 1, 1 }, layer.ComputeOutputShape(new long[] { 1, 2, 3 }));
        using var same = new Conv2D(2, 3, padding: "same");
        Assert.Equal(new long[] { 2, 2, 2 }, same.ComputeOutputShape(new long[] { 1, 2, 2 }));
    }

    [Theory]
    [InlineData(2, 3, 2, 1, "same", true)]  // uneven rows, even columns
    [InlineData(3, 2, 1, 2, "same", false)] // even rows, uneven columns
    [InlineData(3, 2, 2, 1, "valid", true)]
    public void Onnx_MatchesInference(int kh, int kw, int sh, int sw, string padding, bool useBias)
    {
        // Given / When
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(60), new Reshape(new long[] { 2, 5, 6 }), new Conv2D(3, (kh, kw), (sh, sw), padding, activation: "tanh", useBias: useBias),
        }, latentDim: 4);

        // Then
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void ComputeOutputShape_RejectsNull_AndFlatShapes_SuggestingAReshape()
    {
        // Given
        using var layer = new Conv2D(4, 3, name: "probe");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => layer.ComputeOutputShape(new long[] { 784 }));

        // Then
        Assert.Contains("Reshape([channels, height, width])", error.Message, StringComparison.Ordinal);
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }

    [Fact]
    public void CallWithKernel_ChecksTheInputAgainstTheBuiltShape()
    {
        // Given a layer built for 3 channels
        using var scope = torch.NewDisposeScope();
        using var layer = new Conv2D(4, 3);
        layer.Build(new long[] { 3, 5, 5 });

        // When a wrapper calls it with 2 channels and a kernel that would fit them
        var error = Record.Exception(() => ((IKernelLayer)layer).CallWithKernel(torch.randn(1, 2, 5, 5), torch.randn(4, 2, 3, 3), training: false));

        // Then the layer refuses, as its own Call would
        Assert.IsType<IncompatibleInputException>(error);
    }

    [Fact]
    public void Constructor_NamesTheBadArgument()
    {
        // Given / When / Then
        Assert.Equal("filters", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(0, 3)).ParamName);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(4, (0, 3))).ParamName);
        Assert.Equal("strides", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2D(4, (3, 3), (0, 1))).ParamName);
    }
}
