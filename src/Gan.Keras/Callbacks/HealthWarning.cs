namespace Gan.Keras.Callbacks;

/// <summary>One problem a <see cref="TrainingHealthMonitor"/> saw.</summary>
/// <param name="Problem">The check that fired (one flag).</param>
/// <param name="Epoch">The epoch index (0-based).</param>
/// <param name="Batch">The batch index within the epoch (0-based) for a check made during the epoch, or null for one made at its end.</param>
/// <param name="Message">The one-line warning, with advice, as sent to <see cref="Internal.Warnings.Handler"/>.</param>
public sealed record HealthWarning(HealthChecks Problem, int Epoch, int? Batch, string Message);
