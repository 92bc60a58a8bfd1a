using Gan.Keras.Losses;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class MinimaxLossTests
{
    // softplus(t) = ln(1 + e^t). Real r = [1, −1, 2, 0.5], fake f = [−0.5, 0, 1, −2]:
    // mean softplus(−r) = (0.313262 + 1.313262 + 0.126928 + 0.474077) / 4 = 0.556882
    // mean softplus(f)  = (0.474077 + 0.693147 + 1.313262 + 0.126928) / 4 = 0.651853
    private const double MeanSoftplusNegReal = 0.5568821;
    private const double MeanSoftplusFake = 0.6518535;

    [Fact]
    public void MeetsGanLossContract()
    {
        // Given the minimax loss on logits
        // When it runs on the contract's inputs
        // Then D = mean softplus(−r) + mean softplus(f) and G = mean log(1 − σ(f)) = −mean softplus(f)
        GanLossContract.Verify(new GanLossCase(() => new MinimaxLoss(), GanLossContract.Real, GanLossContract.Fake,
            MeanSoftplusNegReal + MeanSoftplusFake, -MeanSoftplusFake,
            (r, f) => MinimaxLoss.DiscriminatorTerm(r, f), MinimaxLoss.GeneratorTerm));
    }

    [Fact]
    public void OneSidedLabelSmoothing_MovesOnlyTheRealTarget()
    {
        // Given smoothing s = 0.1: the real term is mean[0.9·softplus(−r) + 0.1·softplus(r)] = mean softplus(−r) + 0.1·mean r
        // (softplus(r) − softplus(−r) = r), mean r = 0.625; the fake term and the generator are unchanged
        // When the contract runs
        // Then the discriminator loss rises by 0.0625
        GanLossContract.Verify(new GanLossCase(() => new MinimaxLoss(realLabelSmoothing: 0.1), GanLossContract.Real, GanLossContract.Fake,
            MeanSoftplusNegReal + 0.0625 + MeanSoftplusFake, -MeanSoftplusFake,
            (r, f) => MinimaxLoss.DiscriminatorTerm(r, f, 0.1), MinimaxLoss.GeneratorTerm));
    }

    [Fact]
    public void Constructor_RejectsSmoothingOutsideZeroToOne()
    {
        // Given / When / Then
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new MinimaxLoss(realLabelSmoothing: 1.0));
        Assert.Equal("realLabelSmoothing", error.ParamName);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    public void DiscriminatorTerm_RefusesSmoothingOutsideZeroToOne(double smoothing)
    {
        using var logits = TorchSharp.torch.zeros(4);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => MinimaxLoss.DiscriminatorTerm(logits, logits, smoothing));

        Assert.Equal("realLabelSmoothing", error.ParamName);
    }
}
