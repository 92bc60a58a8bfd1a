using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Training;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Losses;

public class WassersteinGradientPenaltyTests
{
    // A critic D(x) = ½·Σ_j x_j² has input gradient ∇D(x) = x, so every gradient norm is a hand-computable ‖x̂_i‖.
    private static torch.Tensor QuadraticCritic(torch.Tensor x) => 0.5 * x.square().sum(1);

    [Fact]
    public void Term_MatchesHandComputedPerExampleValue()
    {
        // Given real [[3, 4], [1, 0]], fake [[1, 0], [3, 4]] and α = [0.5, 0.25] (one per example):
        // x̂ = [[2, 2], [2.5, 3]], ‖x̂‖ = [√8, √15.25] = [2.828427, 3.905125]
        using var scope = torch.NewDisposeScope();
        var real = torch.tensor(new float[] { 3, 4, 1, 0 }).reshape(2, 2);
        var fake = torch.tensor(new float[] { 1, 0, 3, 4 }).reshape(2, 2);
        var alpha = torch.tensor(new float[] { 0.5f, 0.25f }).reshape(2, 1);

        // When
        var penalty = WassersteinGradientPenalty.Term(QuadraticCritic, real, fake, alpha);

        // Then mean((‖x̂_i‖ − 1)²) = (1.828427² + 2.905125²) / 2 = 5.891448
        Assert.Equal(5.891448, penalty.item<float>(), 4);
    }

    [Fact]
    public void Term_TakesTheNormPerExample_NotOverTheWholeBatch()
    {
        // Given α = 1 (x̂ = real = [[3, 4], [1, 0]]): per-example norms [5, 1]; one whole-batch norm would be √26
        using var scope = torch.NewDisposeScope();
        var real = torch.tensor(new float[] { 3, 4, 1, 0 }).reshape(2, 2);
        var fake = torch.zeros(2, 2);
        var alpha = torch.ones(2, 1);

        // When
        double penalty = WassersteinGradientPenalty.Term(QuadraticCritic, real, fake, alpha).item<float>();

        // Then the per-example penalty ((5 − 1)² + (1 − 1)²) / 2 = 8, not the whole-batch (√26 − 1)² = 16.802
        Assert.Equal(8.0, penalty, 4);
        Assert.NotEqual(Math.Pow(Math.Sqrt(26) - 1, 2), penalty, 1);
    }

    [Fact]
    public void Term_RejectsCoefficientsThatAreNotOnePerExample()
    {
        // Given per-pixel coefficients [2, 2] instead of [2, 1]
        using var scope = torch.NewDisposeScope();
        var real = torch.ones(2, 2);

        // When
        var error = Assert.Throws<ArgumentException>(() => WassersteinGradientPenalty.Term(QuadraticCritic, real, real, torch.ones(2, 2)));

        // Then
        Assert.Contains("one per example, shape [2, 1]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_DrawsOneUniformCoefficientPerExample_FromTheNoiseSource()
    {
        // Given a recorded uniform draw of shape [2, 1, 1, 1] for a batch of 2 images [1, 2, 2]
        using var scope = torch.NewDisposeScope();
        using var noise = new RecordedNoiseSource();
        noise.EnqueueUniform(torch.ones(2, 1, 1, 1));
        var real = torch.tensor(new float[] { 3, 4, 0, 0, 1, 0, 0, 0 }).reshape(2, 1, 2, 2);
        var penalty = new WassersteinGradientPenalty(weight: 10);

        // When
        var value = penalty.Compute(x => 0.5 * x.square().sum(new long[] { 1, 2, 3 }), real, torch.zeros_like(real), noise);

        // Then the draw was consumed and the weighted per-example value is 10 · 8
        Assert.Equal(0, noise.Remaining);
        Assert.Equal(80.0, value.item<float>(), 3);
    }

    [Fact]
    public void Penalty_HasFiniteWeightGradients_WhenTheCriticsInputGradientIsExactlyZero()
    {
        // Given a Dense critic whose kernel is all zeros, so ∇ₓD = kernel = 0 exactly
        using var scope = torch.NewDisposeScope();
        using var critic = new Sequential(new Layer[] { new Dense(1, kernelInitializer: new Gan.Keras.Layers.Initializers.Zeros()) }, inputShape: new long[] { 3 });
        var real = torch.randn(4, 3);
        var fake = torch.randn(4, 3);
        var alpha = torch.rand(4, 1);
        torch.Tensor KernelGradient(double epsilon)
        {
            var penalty = WassersteinGradientPenalty.Term(x => critic.Call(x, training: true), real, fake, alpha, epsilon);
            return torch.autograd.grad(new[] { penalty }, new[] { (torch.Tensor)critic.TrainableVariables[0] })[0];
        }

        // When
        var withEpsilon = KernelGradient(GradientPenalty.DefaultNormEpsilon);
        var withoutEpsilon = KernelGradient(0.0);

        // Then ε inside the square root keeps the gradient finite (zero here); without it, 0/0 gives NaN
        Assert.True(withEpsilon.isfinite().all().item<bool>());
        Assert.Equal(0.0, withEpsilon.abs().max().item<float>(), 6);
        Assert.True(withoutEpsilon.isnan().any().item<bool>());
    }
    [Theory]
    [InlineData(InterpolationCoefficients.Uniform, 0.25f, 2.5f, 4f)]
    [InlineData(InterpolationCoefficients.Normal, 2f, 5f, 9f)]
    public void Coefficients_PlaceTheInterpolateAsThePaperOrKerasIo(InterpolationCoefficients coefficients, float draw, float expectedX, float expectedY)
    {
        // Given a real sample (1, 1), a generated one (3, 5), and a noise source whose every draw is `draw`
        using var scope = torch.NewDisposeScope();
        var penalty = new WassersteinGradientPenalty(weight: 1, coefficients: coefficients);
        torch.Tensor? seen = null;
        torch.Tensor Critic(torch.Tensor x)
        {
            seen = x.detach().clone().DetachFromDisposeScope();
            return x.sum(1);
        }

        // When the penalty runs
        penalty.Compute(Critic, torch.tensor(new float[] { 1, 1 }, new long[] { 1, 2 }), torch.tensor(new float[] { 3, 5 }, new long[] { 1, 2 }), new ConstantNoise(draw));

        // Then Uniform: α·x + (1 − α)·x̃ with α = 0.25 → (2.5, 4); Normal (keras-io): x + a·(x̃ − x) with a = 2 → (5, 9), beyond the generated sample
        Assert.Equal(new[] { expectedX, expectedY }, seen!.data<float>().ToArray());
        Assert.Equal(coefficients, penalty.Coefficients);
    }

    private sealed class ConstantNoise(float value) : NoiseSource
    {
        public override torch.Tensor Normal(long[] shape) => torch.full(shape, value);

        public override torch.Tensor Uniform(long[] shape) => torch.full(shape, value);
    }

    [Theory]
    [InlineData(new long[] { 2 }, new long[] { 2, 2 })]
    [InlineData(new long[] { 2, 1, 2 }, new long[] { 2, 3, 2 })]
    [InlineData(new long[] { 3, 1 }, new long[] { 2, 2 })]
    public void Term_RejectsCoefficientsOfAnotherRankBatchOrFeatureShape(long[] alphaShape, long[] batchShape)
    {
        using var scope = torch.NewDisposeScope();
        var real = torch.ones(batchShape);

        var error = Assert.Throws<ArgumentException>(() => WassersteinGradientPenalty.Term(QuadraticCritic, real, real, torch.ones(alphaShape)));

        Assert.Equal("alpha", error.ParamName);
    }

    [Fact]
    public void Term_AndCompute_RefuseNulls_NamingThem()
    {
        using var scope = torch.NewDisposeScope();
        var x = torch.ones(2, 2);
        var alpha = torch.ones(2, 1);
        var penalty = new WassersteinGradientPenalty();

        Assert.Equal("real", Assert.Throws<ArgumentNullException>(() => WassersteinGradientPenalty.Term(QuadraticCritic, null!, x, alpha)).ParamName);
        Assert.Equal("fake", Assert.Throws<ArgumentNullException>(() => WassersteinGradientPenalty.Term(QuadraticCritic, x, null!, alpha)).ParamName);
        Assert.Equal("alpha", Assert.Throws<ArgumentNullException>(() => WassersteinGradientPenalty.Term(QuadraticCritic, x, x, null!)).ParamName);
        Assert.Equal("noise", Assert.Throws<ArgumentNullException>(() => penalty.Compute(QuadraticCritic, x, x, null!)).ParamName);
    }

    [Fact]
    public void Constructor_RefusesANegativeNormEpsilon()
    {
        Assert.Equal("normEpsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new WassersteinGradientPenalty(10, -1e-12)).ParamName);
        Assert.Equal(0.0, new WassersteinGradientPenalty(10, 0).NormEpsilon);
    }
}
