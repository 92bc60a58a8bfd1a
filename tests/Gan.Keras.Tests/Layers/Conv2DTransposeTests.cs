using Gan.Keras.Layers;
using Gan.Keras.Layers.Initializers;
using Gan.Keras.Tests.Export.Onnx;
using Gan.Keras.Tests.Layers.Initializers;
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

    [Theory]
    [InlineData(2, 3, 3, 2, "valid", -1, -1, 9, 9)]  // rows: 3·3 + max(2 − 3, 0), one row no window reaches; columns: 4·2 + 1
    [InlineData(3, 2, 2, 3, "valid", -1, -1, 7, 12)] // rows: 3·2 + 1; columns: 4·3, the last column unreached
    [InlineData(1, 3, 1, 1, "same", -1, -1, 3, 4)]   // crops columns only
    [InlineData(3, 1, 1, 1, "same", -1, -1, 3, 4)]   // crops rows only
    [InlineData(2, 3, 2, 1, "same", -1, -1, 6, 4)]   // uneven row crop, even column crop
    [InlineData(3, 3, 2, 2, "same", 0, 1, 5, 8)]     // outputPadding per axis: (3 − 1)·2 + 3 − 2 + 0, (4 − 1)·2 + 3 − 2 + 1
    public void AsymmetricKernelsStridesAndOutputPadding_AreTheAdjointOfConv2D(int kh, int kw, int sh, int sw, string padding, int opH, int opW, long bigH, long bigW)
    {
        // Given Conv2D (big → [3, 4]) and Conv2DTranspose ([3, 4] → big) sharing one kernel, without biases
        using var scope = torch.NewDisposeScope();
        torch.manual_seed(5);
        (int, int)? outputPadding = opH < 0 ? null : (opH, opW);
        using var conv = new Conv2D(5, (kh, kw), (sh, sw), padding, useBias: false);
        using var transpose = new Conv2DTranspose(3, (kh, kw), (sh, sw), padding, outputPadding, useBias: false);
        Assert.Equal(new long[] { 5, 3, 4 }, conv.ComputeOutputShape(new[] { 3L, bigH, bigW }));
        var x = torch.randn(2, 3, bigH, bigW);
        var y = torch.randn(2, 5, 3, 4);
        conv.Build(new[] { 3L, bigH, bigW });
        transpose.Build(new[] { 5L, 3, 4 });
        using (torch.no_grad()) transpose.Kernel.copy_(conv.Kernel);

        // When
        var convY = conv.Call(x);
        var transposeY = transpose.Call(y);

        // Then the shapes are Keras's, from data and from shapes, and ⟨conv(x), y⟩ = ⟨x, convᵀ(y)⟩
        Assert.Equal(new long[] { 2, 3, bigH, bigW }, transposeY.shape);
        Assert.Equal(new long[] { 3, bigH, bigW }, transpose.ComputeOutputShape(new[] { 5L, 3, 4 }));
        double left = (convY * y).sum().item<float>(), right = (x * transposeY).sum().item<float>();
        Assert.Equal(left, right, 3);
    }

    [Fact]
    public void Bias_IsAddedToEveryPixelOfItsFilter()
    {
        // Given two layers with the same seeded kernel, one with a non-zero bias per filter
        using var scope = torch.NewDisposeScope();
        using var withBias = new Conv2DTranspose(3, 3, 2, "same", kernelInitializer: new GlorotUniform(seed: 1), biasInitializer: new RandomNormal(1, 0.5, seed: 2));
        using var without = new Conv2DTranspose(3, 3, 2, "same", useBias: false, kernelInitializer: new GlorotUniform(seed: 1));
        var x = torch.randn(2, 4, 3, 3);

        // When
        var difference = withBias.Call(x) - without.Call(x);

        // Then the outputs differ by exactly the bias of each filter
        var expected = withBias.Bias!.reshape(1, 3, 1, 1).expand(2, 3, 6, 6);
        Assert.True(difference.allclose(expected, rtol: 0, atol: 1e-5), "The output must be the bias-free output plus the bias.");
        Assert.True(withBias.Bias!.abs().min().item<float>() > 0);
    }

    [Fact]
    public void Kernel_GetsKerasFans_FromFiltersAndChannels()
    {
        // Given a 2x3 kernel, 4 filters, on 5 channels: Keras's kernel [2, 3, 4, 5] has fan_in 4·6, fan_out 5·6
        var recorder = new FanRecorder();
        using var layer = new Conv2DTranspose(4, (2, 3), kernelInitializer: recorder);

        // When
        layer.Build(new long[] { 5, 4, 4 });

        // Then
        Assert.Equal((24L, 30L), recorder.Calls.Single());
        Assert.Equal(new long[] { 5, 4, 2, 3 }, layer.Kernel.shape);
    }

    [Theory]
    [InlineData(2, 3, 3, 2, "valid", true, -1, -1)]  // extends rows only (stride > kernel), bias after the Pad
    [InlineData(3, 2, 2, 3, "valid", false, -1, -1)] // extends columns only, no bias
    [InlineData(3, 3, 2, 2, "valid", true, 1, 0)]    // outputPadding extends rows
    [InlineData(4, 5, 2, 2, "same", true, -1, -1)]   // crops both ends, uneven in columns, bias in the ConvTranspose
    [InlineData(3, 3, 1, 1, "same", false, -1, -1)]
    public void Onnx_MatchesInference(int kh, int kw, int sh, int sw, string padding, bool useBias, int opH, int opW)
    {
        // Given / When
        (int, int)? outputPadding = opH < 0 ? null : (opH, opW);
        double error = OnnxLayerCheck.MaxError(new Layer[]
        {
            new Dense(24), new Reshape(new long[] { 2, 3, 4 }), new Conv2DTranspose(4, (kh, kw), (sh, sw), padding, outputPadding, useBias: useBias),
        }, latentDim: 4);

        // Then
        Assert.True(error <= 1e-5, $"max |Δ| {error:E2}");
    }

    [Fact]
    public void ComputeOutputShape_RejectsNull_AndFlatShapes_SuggestingAReshape()
    {
        // Given
        using var layer = new Conv2DTranspose(4, 3, name: "probe");

        // When
        var error = Assert.Throws<IncompatibleInputException>(() => layer.ComputeOutputShape(new long[] { 100 }));

        // Then
        Assert.Contains("'probe' (Conv2DTranspose)", error.Message, StringComparison.Ordinal);
        Assert.Contains("Reshape([128, 7, 7])", error.Message, StringComparison.Ordinal);
        ImageLayerChecks.RefusesNullAndFlatShapes(layer);
    }

    [Fact]
    public void CallWithKernel_ChecksTheInputAgainstTheBuiltShape()
    {
        // Given a layer built for 3 channels
        using var scope = torch.NewDisposeScope();
        using var layer = new Conv2DTranspose(4, 3);
        layer.Build(new long[] { 3, 5, 5 });

        // When a wrapper calls it with 2 channels and a kernel that would fit them
        var error = Record.Exception(() => ((IKernelLayer)layer).CallWithKernel(torch.randn(1, 2, 5, 5), torch.randn(2, 4, 3, 3), training: false));

        // Then the layer refuses, as its own Call would
        Assert.IsType<IncompatibleInputException>(error);
    }

    [Fact]
    public void Constructor_NamesTheBadArgument()
    {
        // Given / When / Then
        Assert.Equal("filters", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(0, 3)).ParamName);
        Assert.Equal("kernelSize", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(4, (3, 0))).ParamName);
        Assert.Equal("strides", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(4, (3, 3), (1, 0))).ParamName);
        Assert.Equal("outputPadding", Assert.Throws<ArgumentOutOfRangeException>(() => new Conv2DTranspose(4, (3, 3), (2, 2), outputPadding: (0, -1))).ParamName);
    }
}
