using Gan.Keras.Internal;
using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Internal;

public class ConvolutionKernelsTests
{
    [Fact]
    public void AfterTheFirstConvolution_DataGradientsAndStrideOneTransposes_AgreeWithFloat64()
    {
        // Given a convolution layer has run on the CPU (the check runs, and repairs the kernels where they are wrong)
        using var conv = new Conv2D(2, 3);
        conv.Call(torch.zeros(1, 1, 5, 5));

        // When the two cases that fail on affected machines are measured again
        double error = ConvolutionKernels.MeasureError();

        // Then float32 agrees with float64
        Assert.True(error < 1e-3, $"float32 convolution off by {error} against float64 ({ConvolutionKernels.Finding ?? "no repair was needed"})");
    }
}
