using Gan.Keras.Layers;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class DropoutTests
{
    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void Constructor_RefusesRatesOutsideZeroToOne(double rate)
    {
        // Given / When / Then
        Assert.Equal("rate", Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(rate)).ParamName);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.999)]
    public void Constructor_AcceptsZero_AndRatesBelowOne(double rate)
    {
        // Given / When / Then
        using var layer = new Dropout(rate);
        Assert.Equal(rate, layer.Rate);
    }
}
