using Gan.Keras.Data;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// What a GAN is trained with and how one step trains it: the two optimizers and the loss given to <c>Compile</c>,
/// the schedule options, and the step. Keras 3 keeps these in its <c>Trainer</c>, which its <c>Model</c> extends;
/// here <see cref="GanModel"/> extends this class and adds the networks, generation, weights and devices, and
/// <c>FitLoop</c> runs the epochs.
/// </summary>
/// <remarks>
/// Schedule options are set after construction: <see cref="DiscriminatorSteps"/>, <see cref="CriticReusesRealBatch"/>, <see cref="DiscriminatorWeightClip"/>,
/// <see cref="ScoreRealAndFakeTogether"/>, <see cref="Augmentation"/>, <see cref="Noise"/> (and the weight average,
/// <see cref="GanModel.GeneratorEmaDecay"/>). Separate learning rates come from the two optimizers; label smoothing and
/// gradient penalties belong to the <see cref="GanLoss"/>.
/// </remarks>
public abstract class GanTrainer
{
    private Optimizer? discriminatorOptimizer;
    private Optimizer? generatorOptimizer;
    private GanLoss? loss;
    private IReadOnlyList<OutputLoss> outputLosses = Array.Empty<OutputLoss>();
    private NoiseSource? noise;
    private int discriminatorSteps = 1;
    private double? discriminatorWeightClip;
    private bool scoreRealAndFakeTogether;

    /// <summary>Initializes a new instance of the <see cref="GanTrainer"/> class (only <see cref="GanModel"/> derives from it).</summary>
    private protected GanTrainer()
    {
    }

    /// <summary>Gets the generator.</summary>
    public abstract Model Generator { get; }

    /// <summary>Gets the discriminator (critic).</summary>
    public abstract Model Discriminator { get; }

    /// <summary>Gets the model's random generator (latent noise, shuffling, augmentation). Its state is part of a checkpoint.</summary>
    public abstract torch.Generator RandomGenerator { get; }

    /// <summary>Gets the discriminator's optimizer (after <c>Compile</c>).</summary>
    public Optimizer DiscriminatorOptimizer => discriminatorOptimizer ?? throw NotCompiled();

    /// <summary>Gets the generator's optimizer (after <c>Compile</c>).</summary>
    public Optimizer GeneratorOptimizer => generatorOptimizer ?? throw NotCompiled();

    /// <summary>Gets the GAN loss (after <c>Compile</c>).</summary>
    public GanLoss Loss => loss ?? throw NotCompiled();

    /// <summary>Gets the losses of the discriminator's extra outputs 1, 2, ... (after the adversarial output 0); empty for a one-output discriminator.</summary>
    public IReadOnlyList<OutputLoss> OutputLosses => outputLosses;

    /// <summary>Gets a value indicating whether <c>Compile</c> has been called.</summary>
    public bool IsCompiled => loss is not null;

    /// <summary>Gets or sets a value indicating whether <c>Fit</c> stops after the current batch (Keras's <c>stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>Gets or sets where training draws latent vectors and penalty coefficients; by default <see cref="RandomGenerator"/>. A <see cref="RecordedNoiseSource"/> replays another framework's draws.</summary>
    public NoiseSource Noise
    {
        get => noise ??= new GeneratorNoiseSource(RandomGenerator);
        set => noise = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Gets or sets the discriminator (critic) updates per generator update (n_critic; 5 for WGAN and WGAN-GP), 1 by
    /// default. Each takes its own slice of real data (Gulrajani et al.'s Algorithm 1), so a step takes n batches.
    /// </summary>
    public int DiscriminatorSteps
    {
        get => discriminatorSteps;
        set => discriminatorSteps = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "DiscriminatorSteps must be positive.");
    }

    /// <summary>
    /// Gets or sets a value indicating whether every critic update of a step trains on the same real batch, as keras-io's
    /// <c>wgan_gp</c> does (its <c>train_step</c> loops <c>d_steps</c> times over one <c>real_images</c>). False by default:
    /// each of the <see cref="DiscriminatorSteps"/> updates takes its own slice of real data, as Gulrajani et al.'s
    /// Algorithm 1 samples a new real batch per critic iteration. With it on, a step takes one batch of real data and the
    /// generator update uses that batch's size; without, a step takes <see cref="DiscriminatorSteps"/> batches.
    /// </summary>
    public bool CriticReusesRealBatch { get; set; }

    /// <summary>Gets the number of batches of real data one training step consumes: 1 when the critic reuses its batch, else <see cref="DiscriminatorSteps"/>.</summary>
    internal int RealBatchesPerStep => CriticReusesRealBatch ? 1 : discriminatorSteps;

    /// <summary>Gets or sets the bound c every discriminator weight is clipped to after each update; null (the default) uses the loss's <see cref="GanLoss.CriticWeightClip"/> (0.01 for <see cref="WassersteinLoss"/>).</summary>
    public double? DiscriminatorWeightClip
    {
        get => discriminatorWeightClip;
        set => discriminatorWeightClip = value is not { } c || (c > 0 && !double.IsInfinity(c))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The weight clipping bound must be a positive, finite number (0.01 in the WGAN paper), or null.");
    }

    /// <summary>
    /// Gets or sets a value indicating whether the discriminator update scores real and generated samples in one call on
    /// the concatenated batch (false by default: two calls, as the Keras and PyTorch examples). Half the kernel launches;
    /// equal losses up to float rounding. Refused while the discriminator has a <see cref="Layers.BatchNormalization"/> layer.
    /// </summary>
    public bool ScoreRealAndFakeTogether
    {
        get => scoreRealAndFakeTogether;
        set
        {
            if (value) FitChecks.CheckNoBatchMixingLayer(Discriminator);
            scoreRealAndFakeTogether = value;
        }
    }

    /// <summary>Gets or sets the differentiable augmentation of real and generated samples before the discriminator in training (Zhao et al. 2020), or null (the default). Gradient penalties see the samples unaugmented.</summary>
    public DiffAugment? Augmentation { get; set; }

    /// <summary>Sets two separate optimizers and the GAN loss; an optimizer of a network with a <c>mixed_float16</c> layer gets a <see cref="DynamicLossScale"/> unless it has one.</summary>
    public void Compile(Optimizer discriminatorOptimizer, Optimizer generatorOptimizer, GanLoss loss)
    {
        ArgumentNullException.ThrowIfNull(discriminatorOptimizer);
        ArgumentNullException.ThrowIfNull(generatorOptimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (ReferenceEquals(discriminatorOptimizer, generatorOptimizer))
            throw new ArgumentException("Use two separate optimizers: Adam keeps per-variable state, and the two networks must not share one.", nameof(generatorOptimizer));
        (this.discriminatorOptimizer, this.generatorOptimizer, this.loss) = (discriminatorOptimizer, generatorOptimizer, loss);
        outputLosses = Array.Empty<OutputLoss>();
        // mixed_float16: dynamic loss scaling, as Keras's compile wraps the optimizer in a LossScaleOptimizer.
        MixedPrecision.ConfigureLossScale(Discriminator, discriminatorOptimizer);
        MixedPrecision.ConfigureLossScale(Generator, generatorOptimizer);
    }

    /// <summary>
    /// Sets two optimizers, the GAN loss of the discriminator's output 0 and the losses of its extra outputs, as Keras's
    /// <c>compile(loss=[...], loss_weights=[...])</c> for a multi-output discriminator (AC-GAN's class head, InfoGAN's code head).
    /// </summary>
    /// <exception cref="ArgumentException">A target names a generator input that does not exist, or labels for an unconditional GAN.</exception>
    public void Compile(Optimizer discriminatorOptimizer, Optimizer generatorOptimizer, GanLoss loss, IReadOnlyList<OutputLoss> outputLosses)
    {
        ArgumentNullException.ThrowIfNull(outputLosses);
        foreach (var output in outputLosses)
        {
            ArgumentNullException.ThrowIfNull(output, nameof(outputLosses));
            if (output.Target.InputName is { } name && !GeneratorInputs.Any(i => i.Name == name))
                throw new ArgumentException($"An output loss targets generator input '{name}', but the generator's inputs are {LatentBatch.Describe(GeneratorInputs)}.", nameof(outputLosses));
            if (output.Target.InputName is null && !GeneratorInputs.OfType<LabelsInput>().Any())
                throw new ArgumentException("An output loss targets the class labels, but the GAN has no labels input: give the generator a GeneratorInput.Labels(...) input.", nameof(outputLosses));
        }
        Compile(discriminatorOptimizer, generatorOptimizer, loss);
        this.outputLosses = outputLosses.ToArray();
    }

    /// <summary>Sets two optimizers and a label loss (e.g. <see cref="BinaryCrossentropy"/>), used as the non-saturating GAN loss.</summary>
    public void Compile(Optimizer discriminatorOptimizer, Optimizer generatorOptimizer, Loss loss) =>
        Compile(discriminatorOptimizer, generatorOptimizer, new NonSaturatingLoss(loss ?? throw new ArgumentNullException(nameof(loss))));

    /// <summary>
    /// One training step on a batch of real data: <see cref="DiscriminatorSteps"/> discriminator updates, each on its own
    /// slice (or, with <see cref="CriticReusesRealBatch"/>, each on the whole batch) and fresh latent vectors, then one
    /// generator update. Returns detached scalars on the device (no host read):
    /// <c>d_loss</c>, <c>d_real</c>, <c>d_fake</c> (means over the updates), <c>g_loss</c>, and <c>d_penalty</c> with a penalty.
    /// </summary>
    /// <remarks>Random draws, in the order a <see cref="RecordedNoiseSource"/> must follow: per discriminator update its latent vectors, then the penalty's coefficients; then the generator's latent vectors. Labelled batches pass each slice's labels along.</remarks>
    public virtual IReadOnlyDictionary<string, torch.Tensor> TrainStep(Batch batch) => GanTrainStep.Run(this, batch);

    /// <summary>
    /// One discriminator update on <paramref name="real"/> samples and samples generated from <paramref name="generatorInputs"/>,
    /// plus the loss's penalty and the extra outputs' losses; then weight clipping when set. The real samples' labels
    /// (conditioning and label targets) are <paramref name="realLabels"/>, by default the generator's labels (the
    /// batch's own, as <see cref="TrainStep"/> passes them); give them when the generated samples have other labels
    /// (AC-GAN drawing fake labels at random).
    /// </summary>
    public virtual DiscriminatorStepResult TrainDiscriminatorStep(torch.Tensor real, LatentBatch generatorInputs, torch.Tensor? realLabels = null) =>
        GanTrainStep.Discriminator(this, real, generatorInputs, realLabels ?? generatorInputs?.Labels);

    /// <summary>One discriminator update with samples generated from <paramref name="latent"/> (and <paramref name="labels"/>; other inputs, such as codes, are drawn).</summary>
    public DiscriminatorStepResult TrainDiscriminatorStep(torch.Tensor real, torch.Tensor latent, torch.Tensor? labels = null) =>
        TrainDiscriminatorStep(real, CompleteGeneratorInputs(latent, labels));

    /// <summary>One generator update on samples generated from <paramref name="generatorInputs"/>; then the weight average follows.</summary>
    /// <returns>The generator loss whose gradient was applied: a detached scalar on the device.</returns>
    public virtual torch.Tensor TrainGeneratorStep(LatentBatch generatorInputs) => GanTrainStep.Generator(this, generatorInputs);

    /// <summary>One generator update on samples generated from <paramref name="latent"/> (and <paramref name="labels"/>; other inputs are drawn).</summary>
    public torch.Tensor TrainGeneratorStep(torch.Tensor latent, torch.Tensor? labels = null) => TrainGeneratorStep(CompleteGeneratorInputs(latent, labels));

    /// <summary>Gets what the generator takes, one entry per input: the latent vector first, then labels or codes.</summary>
    public abstract IReadOnlyList<GeneratorInput> GeneratorInputs { get; }

    /// <summary>Draws latent vectors <c>[n, latentDim]</c> from N(0, 1) from <see cref="Noise"/>, on the model's device.</summary>
    public abstract torch.Tensor SampleLatent(long n);

    /// <summary>Draws a batch of every generator input from <see cref="Noise"/> (latent vectors first, then codes in input order), with <paramref name="labels"/> as the labels input.</summary>
    public LatentBatch SampleGeneratorInputs(long n, torch.Tensor? labels = null) => CompleteGeneratorInputs(SampleLatent(n), labels);

    /// <summary>The full generator input for <paramref name="latent"/>: labels placed, codes drawn from <see cref="Noise"/> (in input order).</summary>
    /// <exception cref="ArgumentException">The generator takes labels and none were given.</exception>
    public abstract LatentBatch CompleteGeneratorInputs(torch.Tensor latent, torch.Tensor? labels);

    /// <summary>Runs the generator in a training step on a batch of its inputs. Conditional models override this to feed the labels their way.</summary>
    protected internal abstract torch.Tensor GeneratorCall(LatentBatch inputs, bool training);

    /// <summary>Runs the discriminator in a training step and returns every output (output 0 is the adversarial score). Conditional models override this to feed the labels.</summary>
    protected internal abstract IReadOnlyList<torch.Tensor> DiscriminatorCall(torch.Tensor samples, torch.Tensor? labels, bool training);

    /// <summary>Moves the generator's weight average one step (after a generator update); nothing without one.</summary>
    private protected abstract void UpdateAverage();

    internal void AfterGeneratorUpdate() => UpdateAverage();

    private static InvalidOperationException NotCompiled() => new("Call Compile() before Fit().");
}
