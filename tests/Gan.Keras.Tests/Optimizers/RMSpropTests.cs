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
    public void Constructor_RejectsRhoOutsideUnitInterval()
    {
        Assert.Throws<ArgumentOutOfRangeException>("rho", () => new RMSprop(rho: 1.0));
    }
}
