using Gan.Keras.Optimizers;
using Xunit;

namespace Gan.Keras.Tests.Optimizers;

public class RMSpropTests
{
    [Fact]
    public void Update_PutsEpsilonInsideTheSquareRoot_AsKeras3()
    {
        var w = OptimizerTestSupport.Trajectory(new RMSprop(0.01), 1.0, 0.5, -0.25);

        Assert.Equal(0.9683772866436797, w[0], 10);
        Assert.Equal(0.983121456617157, w[1], 10);
    }

    [Fact]
    public void Update_AddsEpsilonToTheSquareRoot_WithPyTorchsPlacement()
    {
        // Given ε = 0.1 (large, so that where it goes shows): w −= lr·g/(√v + ε), as torch.optim.RMSprop
        var w = OptimizerTestSupport.Trajectory(new RMSprop(0.01, 0.9, 0.1, epsilonOutsideSqrt: true), 1.0, 0.5, -0.25);

        // Then (by hand: v = 0.025, w = 1 − 0.005/(0.1581139 + 0.1); v = 0.02875, ...)
        Assert.Equal(0.9806287056638603, w[0], 10);
        Assert.Equal(0.9899031389409445, w[1], 10);
    }

    [Fact]
    public void Constructor_RejectsRhoOutsideUnitInterval()
    {
        Assert.Throws<ArgumentOutOfRangeException>("rho", () => new RMSprop(rho: 1.0));
    }

    [Fact]
    public void GetConfig_DescribesEveryHyperparameter_ByKerasName_AndPyTorchsEpsilonOnlyWhenChosen()
    {
        Assert.Equal(new Dictionary<string, object> { ["name"] = "rmsprop", ["learning_rate"] = 0.01, ["rho"] = 0.8, ["epsilon"] = 1e-6 },
            new RMSprop(0.01, rho: 0.8, epsilon: 1e-6).GetConfig());
        Assert.Equal(true, new RMSprop(epsilonOutsideSqrt: true).GetConfig()["epsilon_outside_sqrt"]);
    }

    [Theory]
    [InlineData(-0.1, 1e-7, "rho")]
    [InlineData(0.9, 0.0, "epsilon")]
    public void Constructor_RefusesANegativeRhoOrAnEpsilonThatIsNotPositive(double rho, double epsilon, string parameter)
    {
        Assert.Equal(parameter, Assert.Throws<ArgumentOutOfRangeException>(() => new RMSprop(rho: rho, epsilon: epsilon)).ParamName);
    }

    [Fact]
    public void Constructor_AcceptsRhoZero()
    {
        Assert.Equal(0.0, new RMSprop(rho: 0.0).Rho);
    }
}
