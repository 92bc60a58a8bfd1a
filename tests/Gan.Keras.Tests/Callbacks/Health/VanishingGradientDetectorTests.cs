using Gan.Keras.Callbacks;
using Gan.Keras.Callbacks.Health;
using Xunit;

namespace Gan.Keras.Tests.Callbacks.Health;

public class VanishingGradientDetectorTests
{
    private static readonly HealthThresholds Defaults = new();

    [Fact]
    public void Observe_Warns_WhenTheRmsStaysBelowTheFloor_TwoEpochsInARow()
    {
        // Given a fresh detector (no peak yet)
        var detector = new VanishingGradientDetector(Defaults);

        // When the gradient's root mean square is 1e-8, under the floor of 1e-7, at two epoch ends in a row
        string? first = detector.Observe(0, 1e-8);
        string? second = detector.Observe(1, 1e-8);

        // Then the second warns, with the value, the floor and the advice; and only once per run
        Assert.Null(first);
        Assert.StartsWith("the generator's gradients vanish: their root mean square on the fixed noise is 1E-08, below 1E-07.", second, StringComparison.Ordinal);
        Assert.EndsWith("use the non-saturating loss, or weaken the discriminator.", second, StringComparison.Ordinal);
        Assert.Null(detector.Observe(2, 1e-8));
    }

    [Fact]
    public void Observe_StaysQuiet_AtExactlyTheFloor()
    {
        // Given a fresh detector
        var detector = new VanishingGradientDetector(Defaults);

        // When the root mean square is exactly the floor, 1e-7, at three epoch ends
        var warnings = new[] { detector.Observe(0, 1e-7), detector.Observe(1, 1e-7), detector.Observe(2, 1e-7) };

        // Then it does not warn: only a gradient below the floor vanishes
        Assert.All(warnings, Assert.Null);
    }

    [Fact]
    public void Observe_StaysQuiet_AtExactlyTheFractionOfThePeak()
    {
        // Given a detector whose peak root mean square is 1.0
        var detector = new VanishingGradientDetector(Defaults);
        Assert.Null(detector.Observe(0, 1.0));

        // When it sits at exactly 1 % of the peak for three epochs
        var warnings = new[] { detector.Observe(1, 0.01), detector.Observe(2, 0.01), detector.Observe(3, 0.01) };

        // Then it does not warn: only a fall below 1 % counts
        Assert.All(warnings, Assert.Null);
    }

    [Fact]
    public void Observe_Warns_WhenTheRmsFallsBelowTheFractionOfItsPeak_NamingTheFirstEpochAtThePeak()
    {
        // Given a detector that saw a root mean square of 2.0 at epochs 1 and 2 (the peak twice)
        var detector = new VanishingGradientDetector(Defaults);
        Assert.Null(detector.Observe(0, 2.0));
        Assert.Null(detector.Observe(1, 2.0));

        // When it falls to 0.002 (0.1 % of the peak) at two epoch ends in a row
        string? first = detector.Observe(2, 0.002);
        string? second = detector.Observe(3, 0.002);

        // Then the second warns, naming the fall and the epoch that first reached the peak
        Assert.Null(first);
        Assert.StartsWith("the generator's gradients vanish: their root mean square on the fixed noise fell to 0.002, 0.10 % of its peak 2 (epoch 1).", second, StringComparison.Ordinal);
    }
}
