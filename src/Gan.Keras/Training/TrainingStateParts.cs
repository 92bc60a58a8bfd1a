namespace Gan.Keras.Training;

/// <summary>Which parts of a GAN's training state <see cref="TrainingState"/> captures or restores.</summary>
[Flags]
public enum TrainingStateParts
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Both networks' weights and buffers (<c>generator.*</c>, <c>discriminator.*</c>) and the generator's weight average (<c>generator_ema.*</c>) when there is one: what <see cref="Models.GanModel.SaveWeights"/> writes.</summary>
    Weights = 1,

    /// <summary>Both optimizers' state (<c>optimizer.discriminator.*</c>, <c>optimizer.generator.*</c>): iterations and per-variable slots.</summary>
    Optimizers = 2,

    /// <summary>The model's random generator and libtorch's global one (<c>rng.model</c>, <c>rng.global</c>).</summary>
    Random = 4,

    /// <summary>Everything training needs to continue exactly: a checkpoint.</summary>
    All = Weights | Optimizers | Random,
}
