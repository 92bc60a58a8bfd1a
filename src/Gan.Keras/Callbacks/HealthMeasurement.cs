namespace Gan.Keras.Callbacks;

/// <summary>What a <see cref="TrainingHealthMonitor"/> measured at the end of one epoch (a value is null when its check is off or does not apply).</summary>
/// <param name="Epoch">The epoch index (0-based).</param>
/// <param name="RealScore">The epoch's mean D(x) (<c>d_real</c>), or null when not logged.</param>
/// <param name="FakeScore">The epoch's mean D(G(z)) (<c>d_fake</c>), or null when not logged.</param>
/// <param name="SampleSpread">The spread of the fixed-noise samples: the root of the mean per-feature variance across samples.</param>
/// <param name="ModesCovered">For a mixture: the modes that hold at least a quarter of a fair share of the fixed-noise samples within a quarter of the distance between modes.</param>
/// <param name="GeneratorGradientRms">The root mean square of the generator loss's gradient over the generator's weights, on the fixed noise (<see cref="Training.ITrainingContext.GeneratorGradientRms"/>).</param>
public sealed record HealthMeasurement(int Epoch, double? RealScore, double? FakeScore, double? SampleSpread, int? ModesCovered, double? GeneratorGradientRms);
