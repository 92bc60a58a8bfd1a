using Gan.Keras.Optimizers;
using Xunit;

namespace Gan.Keras.Tests.Optimizers;

public class SGDTests
{
    [Fact]
    public void Momentum_FollowsKerasRule()
    {
        var w = OptimizerTestSupport.Trajectory(new SGD(0.1, momentum: 0.9), 1.0, 0.5, -0.25);

        Assert.Equal(0.95, w[0], 12);
        Assert.Equal(0.93, w[1], 12);
    }

    [Fact]
    public void Nesterov_FollowsKerasRule()
    {
        var w = OptimizerTestSupport.Trajectory(new SGD(0.1, momentum: 0.9, nesterov: true), 1.0, 0.5, -0.25);

        Assert.Equal(0.905, w[0], 12);
        Assert.Equal(0.912, w[1], 12);
    }

    [Fact]
    public void PlainSgd_StepsAgainstTheGradient()
    {
        var w = OptimizerTestSupport.Trajectory(new SGD(), 1.0, 2.0);

        Assert.Equal(0.98, w[0], 12);
    }

    [Fact]
    public void GetConfig_DescribesEveryHyperparameter_ByKerasName()
    {
        Assert.Equal(new Dictionary<string, object> { ["name"] = "sgd", ["learning_rate"] = 0.05, ["momentum"] = 0.9, ["nesterov"] = true },
            new SGD(0.05, momentum: 0.9, nesterov: true).GetConfig());
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    public void Constructor_RefusesMomentumOutsideZeroToOne(double momentum)
    {
        Assert.Equal("momentum", Assert.Throws<ArgumentOutOfRangeException>(() => new SGD(momentum: momentum)).ParamName);
    }

    [Fact]
    public void PlainSgd_KeepsNoState_AndMomentumKeepsAVelocity()
    {
        // Given plain SGD and SGD with momentum 0.5 (momentum 0 itself is accepted)
        var plain = new SGD(0.1, momentum: 0.0);
        var heavy = new SGD(0.1, momentum: 0.5);

        // When each takes one step
        OptimizerTestSupport.Trajectory(plain, 1.0, 2.0);
        OptimizerTestSupport.Trajectory(heavy, 1.0, 2.0);

        // Then only the second has a state besides its count: the velocity −0.1 · 2
        Assert.Equal(new[] { "iterations" }, plain.GetState().Keys);
        Assert.Equal(new[] { "iterations", "0.momentum" }, heavy.GetState().Keys);
        Assert.Equal(-0.2, heavy.GetState()["0.momentum"].item<double>(), 12);
    }
}
