using Gan.Keras.Callbacks;
using Gan.Keras.Callbacks.Health;
using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Callbacks.Health;

public class ModeCollapseDetectorTests
{
    private static readonly HealthThresholds Defaults = new();

    /// <summary>Three modes at uneven distances: 5 between the first two, 45 and 50 to the third.</summary>
    private static readonly double[,] UnevenMixture = { { 0.0, 0.0 }, { 3.0, 4.0 }, { 30.0, 40.0 } };

    [Fact]
    public void Observe_Warns_WhenTheSpreadStaysBelowAQuarterOfItsPeak_TwoEpochsInARow()
    {
        // Given a detector that saw a spread of 1.0 at epochs 1 and 2
        var detector = new ModeCollapseDetector(Defaults, modes: null);
        Assert.Null(detector.Observe(0, 1.0, null));
        Assert.Null(detector.Observe(1, 0.9, null));

        // When the spread falls to 0.2 (20 % of the peak) at two epoch ends in a row
        string? first = detector.Observe(2, 0.2, null);
        string? second = detector.Observe(3, 0.2, null);

        // Then the second says so, naming the fall, the peak and its epoch, with the advice; and it warns only once
        Assert.Null(first);
        Assert.StartsWith("mode collapse: the spread of the fixed-noise samples fell to 0.2, 20.0 % of its peak 1 (epoch 1).", second, StringComparison.Ordinal);
        Assert.EndsWith("Try a packed discriminator (PacGAN), a lower learning rate, or the wgan-gp or non-saturating-r1 loss.", second, StringComparison.Ordinal);
        Assert.Null(detector.Observe(4, 0.1, null));
    }

    [Fact]
    public void Observe_StaysQuiet_AtAQuarterOfThePeakAndAbove_AndForASingleDip()
    {
        // Given a detector whose peak spread is 1.0
        var atThreshold = new ModeCollapseDetector(Defaults, modes: null);
        var dip = new ModeCollapseDetector(Defaults, modes: null);
        atThreshold.Observe(0, 1.0, null);
        dip.Observe(0, 1.0, null);

        // When the spread sits at 25 % of the peak for 3 epochs, or dips to 10 % for one epoch between healthy ones
        var quiet = new[] { atThreshold.Observe(1, 0.25, null), atThreshold.Observe(2, 0.25, null), atThreshold.Observe(3, 0.25, null) };
        var dipped = new[] { dip.Observe(1, 0.1, null), dip.Observe(2, 0.8, null), dip.Observe(3, 0.1, null), dip.Observe(4, 0.8, null) };

        // Then neither warns
        Assert.All(quiet, Assert.Null);
        Assert.All(dipped, Assert.Null);
    }

    [Fact]
    public void Observe_Warns_WhenTheModesCoveredFallToHalfTheirPeak()
    {
        // Given a ring-of-8 detector whose samples covered all 8 modes, at a steady spread
        var detector = new ModeCollapseDetector(Defaults, GaussianMixtures.Ring8Means());
        Assert.Null(detector.Observe(0, 1.0, 8));

        // When they cover 4 at two epoch ends in a row, the spread unchanged
        string? first = detector.Observe(1, 1.0, 4);
        string? second = detector.Observe(2, 1.0, 4);

        // Then the second says how many modes are left of how many
        Assert.Null(first);
        Assert.StartsWith("mode collapse: the fixed-noise samples cover 4 of the 8 modes, down from 8.", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_StaysQuiet_AboveHalfThePeakModes_OrWhenNoMoreThanHalfWereEverCovered()
    {
        // Given two ring-of-8 detectors: one whose samples covered 8 modes, one whose samples never covered more than 3
        var fromAll = new ModeCollapseDetector(Defaults, GaussianMixtures.Ring8Means());
        var fromFew = new ModeCollapseDetector(Defaults, GaussianMixtures.Ring8Means());
        fromAll.Observe(0, 1.0, 8);
        fromFew.Observe(0, 1.0, 3);

        // When the first covers 5 (more than half) and the second 1, for 3 epochs
        var five = Enumerable.Range(1, 3).Select(e => fromAll.Observe(e, 1.0, 5)).ToArray();
        var one = Enumerable.Range(1, 3).Select(e => fromFew.Observe(e, 1.0, 1)).ToArray();

        // Then neither warns: 5 of 8 is no collapse, and a run that never covered half the modes has no peak to fall from
        Assert.All(five, Assert.Null);
        Assert.All(one, Assert.Null);
    }

    [Fact]
    public void Observe_Warns_WhenTheSamplesAreIdentical_WhateverThePeak()
    {
        var detector = new ModeCollapseDetector(Defaults, modes: null);

        Assert.Null(detector.Observe(0, 1e-7, null));
        string? second = detector.Observe(1, 1e-7, null);

        Assert.StartsWith("mode collapse: the fixed-noise samples are all the same (spread 1E-07): the generator ignores its noise.", second, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_StaysQuiet_WhenTheSpreadIsExactlyTheIdenticalThreshold()
    {
        // Given a fresh detector
        var detector = new ModeCollapseDetector(Defaults, modes: null);

        // When the spread is exactly 1e-6 (the threshold for identical samples) at three epoch ends
        var warnings = new[] { detector.Observe(0, 1e-6, null), detector.Observe(1, 1e-6, null), detector.Observe(2, 1e-6, null) };

        // Then it does not warn: only a spread below the threshold means identical samples
        Assert.All(warnings, Assert.Null);
    }

    [Fact]
    public void Observe_NamesTheFirstEpochThatReachedThePeakSpread()
    {
        // Given a detector that saw a spread of 2.0 at epochs 1 and 2 (the peak twice)
        var detector = new ModeCollapseDetector(Defaults, modes: null);
        Assert.Null(detector.Observe(0, 2.0, null));
        Assert.Null(detector.Observe(1, 2.0, null));

        // When the spread falls to 0.2 at two epoch ends in a row
        detector.Observe(2, 0.2, null);
        string? warning = detector.Observe(3, 0.2, null);

        // Then the warning names epoch 1, where the peak was first reached
        Assert.StartsWith("mode collapse: the spread of the fixed-noise samples fell to 0.2, 10.0 % of its peak 2 (epoch 1).", warning, StringComparison.Ordinal);
    }

    [Fact]
    public void Observe_Warns_WhenTheModesCoveredFallFromExactlyHalfOfThem()
    {
        // Given a ring-of-8 detector whose samples covered at most 4 modes, exactly half
        var detector = new ModeCollapseDetector(Defaults, GaussianMixtures.Ring8Means());
        Assert.Null(detector.Observe(0, 1.0, 4));

        // When they cover 2 at two epoch ends in a row, the spread unchanged
        string? first = detector.Observe(1, 1.0, 2);
        string? second = detector.Observe(2, 1.0, 2);

        // Then the second warns: a peak of half the modes is enough to fall from
        Assert.Null(first);
        Assert.StartsWith("mode collapse: the fixed-noise samples cover 2 of the 8 modes, down from 4.", second, StringComparison.Ordinal);
    }

    [Fact]
    public void ModesCovered_CountsTheModesHoldingAQuarterOfAFairShareNearby()
    {
        // Given ring-of-8 samples: 40 points on each of modes 0 to 4, 4 points on mode 5 (under a quarter of the fair 50),
        // 8 points far from every mode, and none on modes 6 and 7
        var means = GaussianMixtures.Ring8Means();
        var detector = new ModeCollapseDetector(Defaults, means);
        var points = new List<double>();
        for (int mode = 0; mode < 5; mode++)
            for (int i = 0; i < 40; i++) points.AddRange(new[] { means[mode, 0] + 0.01 * (i % 3), means[mode, 1] });
        for (int i = 0; i < 4; i++) points.AddRange(new[] { means[5, 0], means[5, 1] });
        for (int i = 0; i < 196; i++) points.AddRange(new[] { 100.0 + i, -100.0 });
        using var samples = torch.tensor(points.ToArray(), new long[] { 400, 2 }, torch.float32);

        // When the covered modes are counted
        int? covered = detector.ModesCovered(samples);

        // Then they are modes 0 to 4
        Assert.Equal(5, covered);
    }

    [Fact]
    public void ModesCovered_CountsAModeHoldingExactlyAQuarterOfAFairShare()
    {
        // Given 320 ring-of-8 samples (a fair share is 40, a quarter of it 10): 10 points on each of modes 0 to 3,
        // 9 on mode 4, and the other 271 far from every mode
        var means = GaussianMixtures.Ring8Means();
        var detector = new ModeCollapseDetector(Defaults, means);
        var points = new List<double>();
        for (int mode = 0; mode < 5; mode++)
            for (int i = 0; i < (mode < 4 ? 10 : 9); i++) points.AddRange(new[] { means[mode, 0], means[mode, 1] });
        for (int i = 0; i < 271; i++) points.AddRange(new[] { 100.0 + i, -100.0 });
        using var samples = torch.tensor(points.ToArray(), new long[] { 320, 2 }, torch.float32);

        // When the covered modes are counted
        int? covered = detector.ModesCovered(samples);

        // Then the modes holding exactly a quarter of a fair share count, the one short of it does not
        Assert.Equal(4, covered);
    }

    [Fact]
    public void ModesCovered_LooksWithinAQuarterOfTheSmallestDistanceBetweenModes()
    {
        // Given a mixture whose modes are 5 apart (0,0 and 3,4) and 45 and 50 from a third (30,40), so a radius of 1.25,
        // and 12 samples (a quarter of a fair share is 1): 4 points 1 from mode 0, 4 points 1 from mode 1, and 4 points
        // 2 from mode 2
        var detector = new ModeCollapseDetector(Defaults, UnevenMixture);
        var points = new List<double>();
        for (int i = 0; i < 4; i++) points.AddRange(new[] { 1.0, 0.0, 3.0, 3.0, 32.0, 40.0 });
        using var samples = torch.tensor(points.ToArray(), new long[] { 12, 2 }, torch.float32);

        // When the covered modes are counted
        int? covered = detector.ModesCovered(samples);

        // Then modes 0 and 1 are covered (1 is within 1.25) and mode 2 is not (2 is beyond it)
        Assert.Equal(2, covered);
    }

    [Fact]
    public void ModesCovered_LooksWithinAQuarterOfAUnit_AroundASingleMode()
    {
        // Given a mixture of one mode at the origin (no distance between modes to take a quarter of), and 4 samples
        // 0.2 from it, or 4 samples 0.5 from it
        var detector = new ModeCollapseDetector(Defaults, new double[,] { { 0.0, 0.0 } });
        using var near = torch.tensor(new[] { 0.2, 0.0, 0.0, 0.2, -0.2, 0.0, 0.0, -0.2 }, new long[] { 4, 2 }, torch.float32);
        using var far = torch.tensor(new[] { 0.5, 0.0, 0.0, 0.5, -0.5, 0.0, 0.0, -0.5 }, new long[] { 4, 2 }, torch.float32);

        // When the covered modes are counted
        int? coveredNear = detector.ModesCovered(near);
        int? coveredFar = detector.ModesCovered(far);

        // Then the mode is covered by the samples within 0.25 of it, not by those beyond
        Assert.Equal(1, coveredNear);
        Assert.Equal(0, coveredFar);
    }

    [Fact]
    public void ModesCovered_IsNull_WithoutAMixtureOrForSamplesOfAnotherDimension()
    {
        using var flat = torch.zeros(16, 2);
        using var images = torch.zeros(16, 3);

        Assert.Null(new ModeCollapseDetector(Defaults, modes: null).ModesCovered(flat));
        Assert.Null(new ModeCollapseDetector(Defaults, GaussianMixtures.Ring8Means()).ModesCovered(images));
    }

    [Fact]
    public void Spread_IsTheRootOfTheMeanPerFeatureVariance()
    {
        // Given 4 samples of 2×1 features: feature 0 is 0, 0, 2, 2 (population variance 1), feature 1 is 1, 3, 1, 9 (mean
        // 3.5, population variance 43 / 4 = 10.75)
        using var samples = torch.tensor(new float[] { 0, 1, 0, 3, 2, 1, 2, 9 }, new long[] { 4, 2, 1 });

        // When the spread is measured
        double spread = ModeCollapseDetector.Spread(samples);

        // Then it is the root of their mean
        Assert.Equal(Math.Sqrt((1 + 10.75) / 2), spread, 1e-6);
    }
}
