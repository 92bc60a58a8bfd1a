namespace Gan.Keras.Training;

/// <summary>
/// What <see cref="Models.GanModel.Fit"/> prints, as Keras's <c>verbose</c> argument of <c>fit</c> (0, 1, 2 or
/// <c>"auto"</c>, the default). Either way Fit adds no printer when the callbacks hold a
/// <see cref="Callbacks.ProgbarLogger"/> already.
/// </summary>
public enum FitVerbosity
{
    /// <summary>Keras's <c>"auto"</c>: a progress bar redrawn in place on a terminal, one line per epoch when standard output is redirected (a CI log).</summary>
    Auto = -1,

    /// <summary>Keras's 0: nothing.</summary>
    Silent = 0,

    /// <summary>Keras's 1: a progress bar redrawn in place, on standard output.</summary>
    ProgressBar = 1,

    /// <summary>Keras's 2: one line per epoch, on standard output.</summary>
    OneLinePerEpoch = 2,
}
