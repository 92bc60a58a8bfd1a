using Gan.Keras.Training;
using TorchSharp;
using TorchSharp.Modules;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class GradientTapeTests
{
    [Fact]
    public void Gradient_OfSquare_IsTwoX()
    {
        using var x = new Parameter(torch.tensor(new float[] { 1, -2, 3 }), requires_grad: true);
        using var tape = new GradientTape();

        using var y = (x * x).sum();
        var grads = tape.Gradient(y, new[] { x });

        Assert.Equal(new float[] { 2, -4, 6 }, grads[0].data<float>().ToArray());
    }

    [Fact]
    public void Gradient_Twice_OnNonPersistentTape_ExplainsHowToFix()
    {
        using var x = new Parameter(torch.ones(2), requires_grad: true);
        using var tape = new GradientTape();
        using var y = (x * 3).sum();
        tape.Gradient(y, new[] { x });

        var ex = Assert.Throws<InvalidOperationException>(() => tape.Gradient(y, new[] { x }));

        Assert.Contains("persistent: true", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Gradient_WithCreateGraph_AllowsSecondDerivatives()
    {
        using var x = new Parameter(torch.tensor(new float[] { 2 }), requires_grad: true);
        using var outer = new GradientTape();
        using var inner = new GradientTape();

        using var y = x.pow(3).sum();
        var dy = inner.Gradient(y, new[] { x }, createGraph: true)[0];
        var d2y = outer.Gradient(dy, new[] { x })[0];

        Assert.Equal(12f, dy.item<float>());
        Assert.Equal(12f, d2y.item<float>());
    }

    [Fact]
    public void Gradient_OfUnconnectedSource_IsZeros()
    {
        using var x = new Parameter(torch.ones(2), requires_grad: true);
        using var unused = new Parameter(torch.ones(3), requires_grad: true);
        using var tape = new GradientTape();

        using var y = x.sum();
        var grads = tape.Gradient(y, new[] { x, unused });

        Assert.Equal(new float[] { 0, 0, 0 }, grads[1].data<float>().ToArray());
    }

    [Fact]
    public void Tape_RecordsEvenInsideNoGrad()
    {
        using var noGrad = torch.no_grad();
        using var x = new Parameter(torch.ones(1), requires_grad: true);
        using var tape = new GradientTape();

        using var y = (x * 5).sum();

        Assert.Equal(5f, tape.Gradient(y, new[] { x })[0].item<float>());
    }
}
