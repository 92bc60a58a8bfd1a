using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// What a callback sees of a training run (<see cref="Callbacks.Callback.Context"/>): the run's shape, the stop flag,
/// the generator (in inference mode), and the training state to back up or restore. Callbacks know nothing else of
/// the model, as Keras callbacks reach the trainer only through <c>self.model</c>'s public face.
/// </summary>
public interface ITrainingContext
{
    /// <summary>Gets the epoch index to stop before (the total, as Keras's <c>epochs</c>).</summary>
    int Epochs { get; }

    /// <summary>Gets the first epoch index of this run (non-zero when resuming; moved forward by <see cref="Resume"/>).</summary>
    int InitialEpoch { get; }

    /// <summary>Gets the training steps per epoch.</summary>
    long StepsPerEpoch { get; }

    /// <summary>Gets the examples per discriminator update.</summary>
    int BatchSize { get; }

    /// <summary>Gets the generator's latent dimension.</summary>
    int LatentDim { get; }

    /// <summary>Gets the discriminator's optimizer (a scheduler sets its <see cref="Optimizers.Optimizer.LearningRate"/>).</summary>
    Optimizers.Optimizer DiscriminatorOptimizer { get; }

    /// <summary>Gets the generator's optimizer.</summary>
    Optimizers.Optimizer GeneratorOptimizer { get; }

    /// <summary>Gets the GAN loss the run trains with (its <see cref="Losses.GanLoss.ScoresAreProbabilities"/> says how to read <c>d_real</c> and <c>d_fake</c>).</summary>
    Losses.GanLoss Loss { get; }

    /// <summary>Gets or sets a value indicating whether the loop stops after the current batch (Keras's <c>stop_training</c>).</summary>
    bool StopTraining { get; set; }

    /// <summary>Runs the generator on <paramref name="latent"/> in inference mode (with the weight average when there is one; a conditional model gets ascending labels, one class per row of a grid of 10 per class).</summary>
    /// <returns>A new CPU tensor owned by the caller.</returns>
    torch.Tensor Generate(torch.Tensor latent);

    /// <summary>Gets the range of the generator's samples (<see cref="Models.GanModel.OutputRange"/>), which pictures map to black and white.</summary>
    (double Low, double High) OutputRange { get; }

    /// <summary>
    /// Measures the root mean square, over every trainable generator weight, of the gradient of the generator's loss on
    /// <paramref name="latent"/>: ‖∂L_G/∂θ_G‖₂ / √(number of weights). Both networks run in inference mode and without
    /// augmentation, so nothing of the training state changes (no optimizer step, no batch-statistics update, no random
    /// draw). One forward and backward pass and one device read.
    /// </summary>
    double GeneratorGradientRms(torch.Tensor latent);

    /// <summary>Gets the names of the weights (both networks and the weight average) that hold NaN or infinity; one device read.</summary>
    IReadOnlyList<string> NonFiniteWeights();

    /// <summary>Captures the whole training state as a checkpoint.</summary>
    /// <param name="epoch">Epochs completed.</param>
    /// <param name="step">Steps completed.</param>
    /// <param name="fixedNoise">The run's fixed preview noise to keep with it, or null.</param>
    /// <param name="metadata">Extra string metadata, or null.</param>
    TrainingCheckpoint Capture(int epoch, long step, torch.Tensor? fixedNoise = null, IReadOnlyDictionary<string, string>? metadata = null);

    /// <summary>Restores a checkpoint and continues at its epoch (call it from <see cref="Callbacks.Callback.OnTrainBegin"/>).</summary>
    void Resume(TrainingCheckpoint checkpoint);
}
