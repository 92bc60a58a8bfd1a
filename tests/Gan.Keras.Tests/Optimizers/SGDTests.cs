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
}
