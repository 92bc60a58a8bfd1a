using Gan.Keras.Optimizers;
using TorchSharp;
using Parameter = TorchSharp.Modules.Parameter;
using Adam = Gan.Keras.Optimizers.Adam;
using Xunit;

namespace Gan.Keras.Tests.Optimizers;

public class AdamTests
{
    // Expected values computed by hand (Python floats) from each rule's formula: w0 = 1, gradients 0.5 then -0.25,
    // lr 0.1, β₁ 0.9, β₂ 0.999, ε 1e-3 (a large ε makes the two rules visibly different).
    [Fact]
    public void KerasRule_AddsEpsilonToSqrtV_WithCorrectedLearningRate()
    {
        var adam = new Adam(0.1, 0.9, 0.999, 1e-3);

        var w = OptimizerTestSupport.Trajectory(adam, 1.0, 0.5, -0.25);

        Assert.Equal(0.9059483487151976, w[0], 12);
        Assert.Equal(0.8807411499594029, w[1], 12);
    }

    [Fact]
    public void Algorithm1Rule_AddsEpsilonToSqrtVHat_LikePyTorch()
    {
        var adam = new Adam(0.1, 0.9, 0.999, 1e-3, AdamUpdateRule.Algorithm1);

        var w = OptimizerTestSupport.Trajectory(adam, 1.0, 0.5, -0.25);

        Assert.Equal(0.9001996007984032, w[0], 12);
        Assert.Equal(0.8736331154035685, w[1], 12);
    }

    [Fact]
    public void Defaults_AreKeras()
    {
        var adam = new Adam();

        Assert.Equal((1e-3, 0.9, 0.999, 1e-7, AdamUpdateRule.Keras), (adam.LearningRate, adam.Beta1, adam.Beta2, adam.Epsilon, adam.Rule));
    }

    [Fact]
    public void GetConfig_DescribesEveryHyperparameter_ByKerasName()
    {
        var adam = new Adam(2e-4, beta1: 0.5, beta2: 0.9, epsilon: 1e-8, AdamUpdateRule.Algorithm1);

        Assert.Equal(new Dictionary<string, object>
        {
            ["name"] = "adam", ["learning_rate"] = 2e-4, ["beta_1"] = 0.5, ["beta_2"] = 0.9, ["epsilon"] = 1e-8,
            ["rule"] = "Algorithm1", ["beta_powers"] = "DoublePrecision",
        }, adam.GetConfig());
    }

    [Theory]
    [InlineData(0.0, 0.0)]
    [InlineData(0.999999, 0.999999)]
    public void Constructor_AcceptsBetasInZeroToOne(double beta1, double beta2)
    {
        var adam = new Adam(beta1: beta1, beta2: beta2);

        Assert.Equal((beta1, beta2), (adam.Beta1, adam.Beta2));
    }

    [Theory]
    [InlineData(-0.1, 0.9, "beta1")]
    [InlineData(1.0, 0.9, "beta1")]
    [InlineData(0.5, -0.1, "beta2")]
    [InlineData(0.5, 1.0, "beta2")]
    public void Constructor_RefusesBetasOutsideZeroToOne_NamingThem(double beta1, double beta2, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: beta1, beta2: beta2)).ParamName);
    }

    [Fact]
    public void Constructor_RefusesAnEpsilonThatIsNotPositive()
    {
        Assert.Equal("epsilon", Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(epsilon: 0)).ParamName);
    }

    [Fact]
    public void Float32RunningProduct_FollowsThePowersOverManySteps()
    {
        // Given float64 Adam computing βᵗ as a float32 running product, and the same with float32 powers
        var running = new Adam(0.1, 0.5, 0.75, betaPowers: BetaPowerPrecision.Float32RunningProduct);
        var powers = new Adam(0.1, 0.5, 0.75, betaPowers: BetaPowerPrecision.VariableDtype);

        // When both take 4 steps (0.5 and 0.75 are exact in float32: the product is the power)
        var a = OptimizerTestSupport.Trajectory(running, 1.0, 0.4, -0.2, 0.3, 0.1);
        var b = OptimizerTestSupport.Trajectory(powers, 1.0, 0.4, -0.2, 0.3, 0.1);

        // Then every step matches
        for (int i = 0; i < a.Length; i++) Assert.Equal(b[i], a[i], 12);
    }

    [Fact]
    public void Algorithm1_MatchesTorchOptimAdam_OnAVector()
    {
        using var ours = new Parameter(torch.tensor(new float[] { 0.3f, -1.2f, 2f }), requires_grad: true);
        using var theirs = new Parameter(torch.tensor(new float[] { 0.3f, -1.2f, 2f }), requires_grad: true);
        var adam = new Adam(2e-4, 0.5, 0.999, 1e-8, AdamUpdateRule.Algorithm1);
        using var torchAdam = torch.optim.Adam(new[] { theirs }, 2e-4, 0.5, 0.999, 1e-8);

        for (int step = 0; step < 20; step++)
        {
            using var grad = torch.tensor(new float[] { 0.1f * step, -0.7f, 1f / (step + 1) });
            adam.ApplyGradients(new[] { grad }, new[] { ours });
            theirs.grad = grad.clone();
            torchAdam.step();
        }

        Assert.True((ours - theirs).abs().max().item<float>() < 1e-7);
    }

    [Fact]
    public void State_RoundTrips_SoTrainingContinuesIdentically()
    {
        var first = new Adam(0.1);
        using var a = new Parameter(torch.tensor(new[] { 1.0 }, torch.float64), requires_grad: true);
        using var b = new Parameter(torch.tensor(new[] { 1.0 }, torch.float64), requires_grad: true);
        using var g1 = torch.tensor(new[] { 0.5 }, torch.float64);
        using var g2 = torch.tensor(new[] { -0.3 }, torch.float64);
        first.ApplyGradients(new[] { g1 }, new[] { a });
        using (torch.no_grad()) b.copy_(a);

        var restored = new Adam(0.1);
        restored.SetState(first.GetState(), new[] { b });
        first.ApplyGradients(new[] { g2 }, new[] { a });
        restored.ApplyGradients(new[] { g2 }, new[] { b });

        Assert.Equal(a.item<double>(), b.item<double>());
        Assert.Equal(2, restored.Iterations);
    }

    [Fact]
    public void ApplyGradients_RejectsMismatchedCounts()
    {
        var adam = new Adam();
        using var v = new Parameter(torch.zeros(2), requires_grad: true);

        var ex = Assert.Throws<ArgumentException>(() => adam.ApplyGradients(Array.Empty<torch.Tensor>(), new[] { v }));

        Assert.Contains("0 gradients for 1 variables", ex.Message, StringComparison.Ordinal);
    }
}

public class AdamBetaPowerTests
{
    [Fact]
    public void BetaPowers_DefaultToEachFrameworksPrecision()
    {
        Assert.Equal(BetaPowerPrecision.VariableDtype, new Gan.Keras.Optimizers.Adam().BetaPowers);
        Assert.Equal(BetaPowerPrecision.DoublePrecision, new Gan.Keras.Optimizers.Adam(rule: AdamUpdateRule.Algorithm1).BetaPowers);
    }

    [Fact]
    public void Float32RunningProduct_ChangesTheFirstStep_AsTensorFlowJsDoes()
    {
        // float32(0.999) = 0.99900001287: 1 − β₂ is 1.3e-5 smaller (relative) than in float64, so the first step differs.
        var exact = new Gan.Keras.Optimizers.Adam(0.1, 0.5, 0.999, 1e-3, AdamUpdateRule.Algorithm1);
        var tfjs = new Gan.Keras.Optimizers.Adam(0.1, 0.5, 0.999, 1e-3, AdamUpdateRule.Algorithm1, BetaPowerPrecision.Float32RunningProduct);

        double a = OptimizerTestSupport.Trajectory(exact, 1.0, 0.5)[0];
        double b = OptimizerTestSupport.Trajectory(tfjs, 1.0, 0.5)[0];

        // Hand-computed: v̂ = 0.001·0.25 / (1 − 0.99900001287) = 0.25001287…; w = 1 − 0.1·0.5/(√v̂ + 1e-3)
        double vHat = 0.001 * 0.25 / (1 - (double)0.999f);
        Assert.Equal(1 - 0.1 * 0.5 / (Math.Sqrt(vHat) + 1e-3), b, 12);
        Assert.NotEqual(a, b);
    }
}
