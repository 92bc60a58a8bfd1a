using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class LossDefaultsTests
{
    [Theory]
    [InlineData("wgan", typeof(RMSprop), 5)]
    [InlineData("wgan-gp", typeof(Adam), 5)]
    [InlineData("hinge", typeof(Adam), 1)]
    [InlineData("bce", typeof(Adam), 1)]
    public void Compile_UsesEachLossesPaperDefaults(string loss, Type optimizer, int criticSteps)
    {
        using var gan = TinyGan.Create();

        LossDefaults.Compile(gan, GanLosses.FromName(loss), learningRate: 1e-3);

        Assert.IsType(optimizer, gan.DiscriminatorOptimizer);
        Assert.IsType(optimizer, gan.GeneratorOptimizer);
        Assert.NotSame(gan.DiscriminatorOptimizer, gan.GeneratorOptimizer);
        Assert.Equal(criticSteps, gan.DiscriminatorSteps);
    }
}
