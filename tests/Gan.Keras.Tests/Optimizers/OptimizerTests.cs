using Gan.Keras.Optimizers;
using Gan.Keras.Training.Distributed;
using Gan.Keras.Tests.Training.Distributed;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gan.Keras.Tests.Optimizers;

public class OptimizerTests
{
    [Fact]
    public void ApplyGradients_UpdatesWithTheAveragedFlatBuffer_WhenAGradientAveragerIsSet()
    {
        // Given SGD on two variables, and an averager over two "ranks" whose other rank's flat gradients are [3, 5, 7]
        using var other = torch.tensor(new float[] { 3, 5, 7 });
        using var communicator = new OtherRankCommunicator(other);
        var sgd = new Gan.Keras.Optimizers.SGD(1.0) { GradientAverager = new GradientAverager(communicator) };
        using var a = new Parameter(torch.zeros(1), requires_grad: true);
        using var b = new Parameter(torch.zeros(2), requires_grad: true);

        // When this rank applies gradients [1] and [1, 1]
        sgd.ApplyGradients(new[] { torch.ones(1), torch.ones(2) }, new[] { a, b });

        // Then the step used the mean [2, 3, 4] of both ranks' buffers, reduced once
        Assert.Equal(new float[] { -2 }, a.data<float>().ToArray());
        Assert.Equal(new float[] { -3, -4 }, b.data<float>().ToArray());
        Assert.Equal(1, sgd.GradientAverager.Reductions);
    }
}
