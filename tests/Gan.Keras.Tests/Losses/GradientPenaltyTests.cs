using Gan.Keras.Losses;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class GradientPenaltyTests
{
    [Theory]
    [InlineData(-1.0)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    public void Constructor_RefusesAWeightThatIsNegativeOrNotFinite(double weight)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new WassersteinGradientPenalty(weight));

        Assert.Equal("weight", error.ParamName);
    }

    [Fact]
    public void Constructor_AcceptsAZeroWeight()
    {
        Assert.Equal(0.0, new WassersteinGradientPenalty(0.0).Weight);
        Assert.Equal(0.0, new R1Penalty(0.0).Weight);
    }

    [Fact]
    public void PerExampleNorm_IsTheRootOfEachExamplesSquares_PlusEpsilon()
    {
        // Given gradients [[3, 4], [0, 0]] as [2, 1, 2]
        using var gradients = torch.tensor(new float[] { 3, 4, 0, 0 }, new long[] { 2, 1, 2 });

        // When the per-example norms are taken without and with ε = 1e-4
        using var exact = GradientPenalty.PerExampleNorm(gradients, 0);
        using var smoothed = GradientPenalty.PerExampleNorm(gradients, 1e-4);

        // Then they are [5, 0] and [√(25 + 1e-4), 1e-2]
        Assert.Equal(new[] { 5f, 0f }, exact.data<float>().ToArray());
        Assert.Equal(Math.Sqrt(25 + 1e-4), smoothed[0].item<float>(), 5);
        Assert.Equal(1e-2, smoothed[1].item<float>(), 6);
    }

    [Fact]
    public void PerExampleNorm_RefusesNullNegativeEpsilonAndGradientsWithoutAFeatureAxis()
    {
        using var flat = torch.ones(4);
        using var good = torch.ones(4, 2);

        Assert.Equal("gradients", Assert.Throws<ArgumentNullException>(() => GradientPenalty.PerExampleNorm(null!)).ParamName);
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => GradientPenalty.PerExampleNorm(good, -1e-12)).ParamName);
        var error = Assert.Throws<ArgumentException>(() => GradientPenalty.PerExampleNorm(flat));
        Assert.Contains("at least one non-batch axis, but received [4]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void InputGradient_StaysDifferentiable_WithRespectToTheDiscriminatorsWeights()
    {
        // Given D(x) = w·Σ x² with w = 3, so ∇ₓD = 2·w·x, and R1's term mean ‖2·w·x‖² = 4·w²·mean ‖x‖²
        using var w = torch.tensor(3.0f).requires_grad_(true);
        using var x = torch.tensor(new float[] { 1, 2, 2, 0 }, new long[] { 2, 2 });

        // When the term is differentiated with respect to w
        using var term = R1Penalty.Term(points => w * points.square().sum(1), x);
        term.backward();

        // Then term = 4 · 9 · (5 + 4) / 2 = 162 and d term / dw = 8 · w · 4.5 = 108: the gradient kept its graph
        Assert.Equal(162.0, term.item<float>(), 3);
        Assert.Equal(108.0, w.grad!.item<float>(), 3);
    }

    [Fact]
    public void InputGradient_IsZero_WhenTheOutputDoesNotDependOnTheInput()
    {
        // Given a discriminator whose output depends on a weight but not on its input
        using var bias = torch.tensor(2.0f).requires_grad_(true);
        using var x = torch.ones(3, 2);

        // When
        using var gradient = GradientPenalty.InputGradient(points => bias.expand(points.shape[0]), x);

        // Then the gradient is zero, shaped like the input
        Assert.Equal(new long[] { 3, 2 }, gradient.shape);
        Assert.Equal(0f, gradient.abs().sum().item<float>());
    }

    [Fact]
    public void InputGradient_RefusesADiscriminatorWithoutGradient_AndNulls()
    {
        using var x = torch.ones(3, 2);

        var error = Assert.Throws<InvalidOperationException>(() => GradientPenalty.InputGradient(points => torch.zeros(points.shape[0]), x));

        Assert.Contains("needs a trainable discriminator", error.Message, StringComparison.Ordinal);
        Assert.Equal("discriminator", Assert.Throws<ArgumentNullException>(() => GradientPenalty.InputGradient(null!, x)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentNullException>(() => GradientPenalty.InputGradient(p => p.sum(1), null!)).ParamName);
    }

    [Theory]
    [InlineData(new long[] { 4 }, new long[] { 4 })]
    [InlineData(new long[] { 0, 2 }, new long[] { 0, 2 })]
    [InlineData(new long[] { 2, 3 }, new long[] { 3, 3 })]
    public void Compute_RefusesBatchesThatAreNotOneShape_OrNotBatches(long[] realShape, long[] fakeShape)
    {
        // Given a penalty and a real and a generated batch that do not fit it
        using var scope = torch.NewDisposeScope();
        using var noise = new RecordedNoiseSource();
        var penalty = new WassersteinGradientPenalty();

        // When it is computed
        var error = Assert.Throws<ArgumentException>(() => penalty.Compute(p => p.sum(1), torch.ones(realShape), torch.ones(fakeShape), noise));

        // Then the penalty names itself and both shapes
        Assert.StartsWith("Penalty 'wgan-gp' needs real and generated batches of the same shape", error.Message, StringComparison.Ordinal);
        Assert.Equal("fake", error.ParamName);
    }

    [Fact]
    public void Compute_RefusesNullBatches_NamingThem()
    {
        using var noise = new RecordedNoiseSource();
        using var x = torch.ones(2, 2);
        var penalty = new R1Penalty();

        Assert.Equal("real", Assert.Throws<ArgumentNullException>(() => penalty.Compute(p => p.sum(1), null!, x, noise)).ParamName);
        Assert.Equal("fake", Assert.Throws<ArgumentNullException>(() => penalty.Compute(p => p.sum(1), x, null!, noise)).ParamName);
    }
}
