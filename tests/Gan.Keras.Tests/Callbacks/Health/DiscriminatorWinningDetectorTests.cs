using Gan.Keras.Callbacks;
using Gan.Keras.Callbacks.Health;
using Xunit;

namespace Gan.Keras.Tests.Callbacks.Health;

public class DiscriminatorWinningDetectorTests
{
    private static readonly HealthThresholds Defaults = new();

    [Fact]
    public void Observe_Warns_OnceTheWinningWindowsAddUpToExactlyWinningSteps()
    {
        // Given a detector that saw D(x) 0.95 and D(G(z)) 0.05 over windows of 40 and 59 steps (99 in all)
        var detector = new DiscriminatorWinningDetector(Defaults);
        Assert.Null(detector.Observe(0.95, 0.05, 40));
        Assert.Null(detector.Observe(0.95, 0.05, 59));

        // When one more winning step makes 100
        string? warning = detector.Observe(0.95, 0.05, 1);

        // Then it warns, naming the window's scores and the steps counted; and only once per run
        Assert.StartsWith("the discriminator is winning: D(x) 0.950 and D(G(z)) 0.050 over the last 100 steps, so the generator learns little.", warning, StringComparison.Ordinal);
        Assert.Null(detector.Observe(0.95, 0.05, 100));
    }

    [Fact]
    public void Observe_CountsScoresExactlyAtTheThresholds_AsWinning()
    {
        // Given two detectors with the default thresholds (D(x) at or above 0.9, D(G(z)) at or below 0.1)
        var realAtThreshold = new DiscriminatorWinningDetector(Defaults);
        var fakeAtThreshold = new DiscriminatorWinningDetector(Defaults);

        // When one sees D(x) exactly 0.9 and the other D(G(z)) exactly 0.1, for 100 steps
        string? real = realAtThreshold.Observe(0.9, 0.05, 100);
        string? fake = fakeAtThreshold.Observe(0.95, 0.1, 100);

        // Then both warn
        Assert.StartsWith("the discriminator is winning: D(x) 0.900 and D(G(z)) 0.050", real, StringComparison.Ordinal);
        Assert.StartsWith("the discriminator is winning: D(x) 0.950 and D(G(z)) 0.100", fake, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_StaysQuiet_WhenOnlyOneOfTheScoresIsWinning()
    {
        // Given two detectors
        var realOnly = new DiscriminatorWinningDetector(Defaults);
        var fakeOnly = new DiscriminatorWinningDetector(Defaults);

        // When one sees D(x) 0.95 with D(G(z)) 0.5, and the other D(x) 0.5 with D(G(z)) 0.05, for 300 steps
        var real = new[] { realOnly.Observe(0.95, 0.5, 100), realOnly.Observe(0.95, 0.5, 100), realOnly.Observe(0.95, 0.5, 100) };
        var fake = new[] { fakeOnly.Observe(0.5, 0.05, 100), fakeOnly.Observe(0.5, 0.05, 100), fakeOnly.Observe(0.5, 0.05, 100) };

        // Then neither warns: the discriminator wins only when it is sure of both
        Assert.All(real, Assert.Null);
        Assert.All(fake, Assert.Null);
    }

    [Fact]
    public void Observe_StartsCountingAgain_AfterAWindowThatIsNotWinning()
    {
        // Given a detector that saw 60 winning steps, then 10 steps of an even game
        var detector = new DiscriminatorWinningDetector(Defaults);
        Assert.Null(detector.Observe(0.95, 0.05, 60));
        Assert.Null(detector.Observe(0.6, 0.4, 10));

        // When 60 winning steps follow, then 40 more
        string? after60 = detector.Observe(0.95, 0.05, 60);
        string? after100 = detector.Observe(0.95, 0.05, 40);

        // Then only the second warns: the count started again after the even window
        Assert.Null(after60);
        Assert.Contains("over the last 100 steps", after100, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_IgnoresAWindowOfNoSteps_WhateverItsScores()
    {
        // Given a detector that saw 60 winning steps
        var detector = new DiscriminatorWinningDetector(Defaults);
        Assert.Null(detector.Observe(0.95, 0.05, 60));

        // When an empty window (no step since the last look) brings scores of an even game, then 40 winning steps follow
        string? empty = detector.Observe(0.5, 0.5, 0);
        string? warning = detector.Observe(0.95, 0.05, 40);

        // Then the empty window neither warned nor broke the run of winning steps
        Assert.Null(empty);
        Assert.Contains("over the last 100 steps", warning, StringComparison.Ordinal);
    }
}
