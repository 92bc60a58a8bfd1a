using Gan.Keras.Training;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class IntraOpThreadsTests
{
    [Theory]
    [InlineData(12_000, 16, 1)]
    [InlineData(999_999, 16, 1)]
    [InlineData(3_500_000, 16, 3)]
    [InlineData(3_500_000, 2, 1)]
    [InlineData(40_000_000, 16, 8)]
    [InlineData(40_000_000, 1, 1)]
    public void For_GivesOneThreadPerMillionParameters_AtLeastOne_AtMostHalfTheCores(long parameters, int cores, int expected)
    {
        Assert.Equal(expected, IntraOpThreads.For(parameters, cores));
    }

    [Fact]
    public void For_GivesOneThread_ToTheTinyGan()
    {
        using var gan = TinyGan.Create();

        Assert.Equal(1, IntraOpThreads.For(gan));
    }

    [Fact]
    public void For_RefusesANegativeSizeOrNoCores()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => IntraOpThreads.For(-1, 4));
        Assert.Throws<ArgumentOutOfRangeException>(() => IntraOpThreads.For(10, 0));
        Assert.Throws<ArgumentNullException>(() => IntraOpThreads.For(null!));
    }
}
