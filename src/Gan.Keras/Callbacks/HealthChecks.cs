namespace Gan.Keras.Callbacks;

/// <summary>The checks a <see cref="TrainingHealthMonitor"/> runs; a <see cref="HealthWarning"/> names the one that fired.</summary>
[Flags]
public enum HealthChecks
{
    /// <summary>No check.</summary>
    None = 0,

    /// <summary>NaN or infinity in a logged loss or score, or in a weight: training stops (<see cref="TerminateOnNaN"/>).</summary>
    NonFinite = 1,

    /// <summary>D(x) near 1 and D(G(z)) near 0 for many steps (probability scores only): a warning with advice.</summary>
    DiscriminatorWinning = 2,

    /// <summary>The spread of the fixed-noise samples falls to a fraction of its peak, or the modes they cover (2-D mixtures) do: a warning.</summary>
    ModeCollapse = 4,

    /// <summary>The root-mean-square generator gradient falls to a fraction of its peak, or below what Adam can follow: a warning.</summary>
    VanishingGeneratorGradients = 8,

    /// <summary>Every check.</summary>
    All = NonFinite | DiscriminatorWinning | ModeCollapse | VanishingGeneratorGradients,
}
