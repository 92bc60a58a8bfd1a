using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Export;
using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// A generator and a discriminator trained against each other, as the Keras GAN examples' <c>GAN(keras.Model)</c>:
/// <see cref="Compile(Optimizer, Optimizer, GanLoss)"/>, then <see cref="Fit"/>. This is the user's facade: the loop
/// lives in <c>Gan.Keras.Training</c> (<c>FitLoop</c>), the step in <see cref="TrainStep"/> and its two halves, the saved
/// state in <see cref="TrainingState"/>.
/// </summary>
/// <remarks>
/// Training schedules are options set after construction: <see cref="DiscriminatorSteps"/>, <see cref="GeneratorEmaDecay"/>,
/// <see cref="DiscriminatorWeightClip"/>, <see cref="ScoreRealAndFakeTogether"/>, <see cref="Augmentation"/> and
/// <see cref="Noise"/>. Separate learning rates come from the two optimizers given to <c>Compile</c>; label smoothing
/// and gradient penalties belong to the <see cref="GanLoss"/>.
/// </remarks>
public class GanModel : IDisposable
{
    private readonly torch.Generator random;
    private Optimizer? discriminatorOptimizer;
    private Optimizer? generatorOptimizer;
    private GanLoss? loss;
    private NoiseSource noise;
    private int discriminatorSteps = 1;
    private double? discriminatorWeightClip;
    private double? emaDecay;
    private GeneratorAverage? average;
    private bool scoreRealAndFakeTogether;

    /// <summary>Initializes a new instance of the <see cref="GanModel"/> class: a generator of <c>[batch, latentDim]</c> latent vectors, a discriminator of samples, and the seed of the model's own random stream (latent noise, shuffling; random when null).</summary>
    public GanModel(Model generator, Model discriminator, int latentDim, long? seed = null)
        : this(generator, discriminator, latentDim, seed, new long[] { latentDim })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GanModel"/> class whose generator takes <paramref name="generatorInputShape"/>: the latent vector plus any conditioning.</summary>
    protected GanModel(Model generator, Model discriminator, int latentDim, long? seed, IReadOnlyList<long> generatorInputShape)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(generatorInputShape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentDim);
        if (ReferenceEquals(generator, discriminator))
            throw new ArgumentException("The generator and the discriminator must be two different models.", nameof(discriminator));
        (Generator, Discriminator, LatentDim) = (generator, discriminator, latentDim);
        Seed = seed ?? Random.Shared.NextInt64(0, long.MaxValue);
        random = new torch.Generator((ulong)Seed, torch.CPU);
        noise = new GeneratorNoiseSource(random);
        GeneratorInputShape = generatorInputShape.ToArray();
        if (!generator.Built) generator.Build(GeneratorInputShape);
    }

    /// <summary>Gets the generator.</summary>
    public Model Generator { get; }
    /// <summary>Gets the discriminator (critic).</summary>
    public Model Discriminator { get; }
    /// <summary>Gets the latent dimension.</summary>
    public int LatentDim { get; }
    /// <summary>Gets the number of classes the model is conditioned on (0 for an unconditional GAN).</summary>
    public virtual int NumClasses => 0;
    /// <summary>Gets the seed of the model's random stream.</summary>
    public long Seed { get; }
    /// <summary>Gets the device the models and batches live on.</summary>
    public torch.Device Device { get; private set; } = torch.CPU;
    /// <summary>Gets the floating-point type the models train in (<c>float32</c> unless moved with <see cref="To(torch.ScalarType)"/>).</summary>
    public torch.ScalarType DType { get; private set; } = torch.float32;

    /// <summary>Gets or sets a value indicating whether <see cref="Fit"/> stops after the current batch (Keras's <c>stop_training</c>).</summary>
    public bool StopTraining { get; set; }

    /// <summary>Gets the discriminator's optimizer (after <c>Compile</c>).</summary>
    public Optimizer DiscriminatorOptimizer => discriminatorOptimizer ?? throw NotCompiled();
    /// <summary>Gets the generator's optimizer (after <c>Compile</c>).</summary>
    public Optimizer GeneratorOptimizer => generatorOptimizer ?? throw NotCompiled();
    /// <summary>Gets the GAN loss (after <c>Compile</c>).</summary>
    public GanLoss Loss => loss ?? throw NotCompiled();

    /// <summary>Gets a value indicating whether <c>Compile</c> has been called.</summary>
    public bool IsCompiled => loss is not null;
    /// <summary>Gets the model's random generator (latent noise, shuffling, augmentation). Its state is part of a checkpoint.</summary>
    public torch.Generator RandomGenerator => random;

    /// <summary>Gets or sets where training draws latent vectors and penalty coefficients; by default <see cref="RandomGenerator"/>. A <see cref="RecordedNoiseSource"/> replays another framework's draws.</summary>
    public NoiseSource Noise
    {
        get => noise;
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

    /// <summary>Gets or sets the bound c every discriminator weight is clipped to after each update; null (the default) uses the loss's <see cref="GanLoss.CriticWeightClip"/> (0.01 for <see cref="WassersteinLoss"/>).</summary>
    public double? DiscriminatorWeightClip
    {
        get => discriminatorWeightClip;
        set => discriminatorWeightClip = value is not { } c || (c > 0 && !double.IsInfinity(c))
            ? value
            : throw new ArgumentOutOfRangeException(nameof(value), value, "The weight clipping bound must be a positive, finite number (0.01 in the WGAN paper), or null.");
    }

    /// <summary>
    /// Gets or sets the decay of an exponential moving average of the generator's weights (e.g. 0.999), or null (the
    /// default) for none. The average starts from the current weights, follows every generator update, is used by
    /// <see cref="Generate"/> and saved under <c>generator_ema.*</c> (Karras et al. 2018; Yazıcı et al. 2019).
    /// </summary>
    public double? GeneratorEmaDecay
    {
        get => emaDecay;
        set
        {
            if (value is { } d && !(d > 0 && d < 1))
                throw new ArgumentOutOfRangeException(nameof(value), value, "The EMA decay must be in (0, 1), e.g. 0.999, or null to turn the average off.");
            emaDecay = value;
            if (value is not null)
            {
                average ??= new GeneratorAverage(Generator);
                return;
            }
            average?.Dispose();
            average = null;
        }
    }

    /// <summary>Gets the generator's averaged weights by state-dict name (live tensors), or an empty dictionary when <see cref="GeneratorEmaDecay"/> is off.</summary>
    public IReadOnlyDictionary<string, torch.Tensor> GeneratorEmaWeights => average?.Weights ?? new Dictionary<string, torch.Tensor>();

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
            if (value) FitChecks.CheckNoBatchDependentLayer(Discriminator);
            scoreRealAndFakeTogether = value;
        }
    }

    /// <summary>Gets or sets the differentiable augmentation of real and generated samples before the discriminator in training (Zhao et al. 2020), or null (the default). Gradient penalties see the samples unaugmented.</summary>
    public DiffAugment? Augmentation { get; set; }

    internal IReadOnlyList<long> GeneratorInputShape { get; }

    /// <summary>Sets two separate optimizers and the GAN loss.</summary>
    public void Compile(Optimizer discriminatorOptimizer, Optimizer generatorOptimizer, GanLoss loss)
    {
        ArgumentNullException.ThrowIfNull(discriminatorOptimizer);
        ArgumentNullException.ThrowIfNull(generatorOptimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (ReferenceEquals(discriminatorOptimizer, generatorOptimizer))
            throw new ArgumentException("Use two separate optimizers: Adam keeps per-variable state, and the two networks must not share one.", nameof(generatorOptimizer));
        (this.discriminatorOptimizer, this.generatorOptimizer, this.loss) = (discriminatorOptimizer, generatorOptimizer, loss);
    }

    /// <summary>Sets two optimizers and a label loss (e.g. <see cref="BinaryCrossentropy"/>), used as the non-saturating GAN loss.</summary>
    public void Compile(Optimizer discriminatorOptimizer, Optimizer generatorOptimizer, Loss loss) =>
        Compile(discriminatorOptimizer, generatorOptimizer, new NonSaturatingLoss(loss ?? throw new ArgumentNullException(nameof(loss))));

    /// <summary>Moves both models, their optimizers' state, the weight average and later batches to a device.</summary>
    public GanModel To(torch.Device device) => To(device, DType);
    /// <summary>Converts both models, their optimizers' state, the weight average and later batches to a floating-point type.</summary>
    public GanModel To(torch.ScalarType dtype) => To(Device, dtype);

    /// <summary>
    /// Moves everything training keeps to <paramref name="device"/> and <paramref name="dtype"/>: both models' weights
    /// (TorchSharp replaces their parameter objects), the optimizers' state (which follows by position), the weight
    /// average, and every later batch and latent vector. A float32 → float64 → float32 round trip is lossless.
    /// </summary>
    public GanModel To(torch.Device device, torch.ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (dtype is not (torch.ScalarType.Float32 or torch.ScalarType.Float64 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16))
            throw new ArgumentException($"A GAN trains in a floating-point type (float32, float64), not {dtype}.", nameof(dtype));
        foreach (var model in new[] { Generator, Discriminator })
        {
            // TorchSharp replaces every parameter even on a same-dtype .to(), and the optimizers would then rebuild their flat storage.
            if (model.parameters().Any(p => p.dtype != dtype) || model.buffers().Any(b => b.is_floating_point() && b.dtype != dtype)) model.to(dtype);
            model.to(device);
        }
        average?.MoveTo(device, dtype);
        discriminatorOptimizer?.MoveState(Discriminator.TrainableVariables);
        generatorOptimizer?.MoveState(Generator.TrainableVariables);
        (Device, DType) = (device, dtype);
        return this;
    }

    /// <summary>
    /// Trains on <paramref name="dataset"/> from <paramref name="initialEpoch"/> up to <paramref name="epochs"/> (the index
    /// to stop before, as Keras's <c>epochs</c>), <paramref name="batchSize"/> examples per discriminator update, shuffled
    /// each epoch with the model's seeded generator; returns the <see cref="History"/> of per-epoch means.
    /// </summary>
    public History Fit(Dataset dataset, int epochs = 1, int batchSize = 64, IEnumerable<Callback>? callbacks = null, bool shuffle = true, int initialEpoch = 0) =>
        FitLoop.Run(this, dataset, epochs, batchSize, callbacks, shuffle, initialEpoch);

    /// <summary>
    /// One training step on a batch of real data: <see cref="DiscriminatorSteps"/> discriminator updates, each on its own
    /// slice and fresh latent vectors, then one generator update. Returns detached scalars on the device (no host read):
    /// <c>d_loss</c>, <c>d_real</c>, <c>d_fake</c> (means over the updates), <c>g_loss</c>, and <c>d_penalty</c> with a penalty.
    /// </summary>
    /// <remarks>Random draws, in the order a <see cref="RecordedNoiseSource"/> must follow: per discriminator update its latent vectors, then the penalty's coefficients; then the generator's latent vectors. Labelled batches pass each slice's labels along.</remarks>
    public virtual IReadOnlyDictionary<string, torch.Tensor> TrainStep(Batch batch) => GanTrainStep.Run(this, batch);

    /// <summary>One discriminator update on <paramref name="real"/> samples and samples generated from <paramref name="latent"/> (and <paramref name="labels"/> for conditional models), plus the loss's penalty; then weight clipping when set.</summary>
    public virtual DiscriminatorStepResult TrainDiscriminatorStep(torch.Tensor real, torch.Tensor latent, torch.Tensor? labels = null) =>
        GanTrainStep.Discriminator(this, real, latent, labels);

    /// <summary>One generator update on samples generated from <paramref name="latent"/>; then the weight average follows.</summary>
    /// <returns>The generator loss whose gradient was applied: a detached scalar on the device.</returns>
    public virtual torch.Tensor TrainGeneratorStep(torch.Tensor latent, torch.Tensor? labels = null) => GanTrainStep.Generator(this, latent, labels);

    /// <summary>Draws latent vectors <c>[n, latentDim]</c> from N(0, 1) from <see cref="Noise"/>, on the model's device.</summary>
    public torch.Tensor SampleLatent(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var z = Noise.Normal(new[] { n, LatentDim });
        return Device.type == DeviceType.CPU && z.dtype == DType ? z : z.to(DType, Device);
    }

    /// <summary>
    /// Generates <paramref name="n"/> samples in inference mode, or <paramref name="n"/> of each of <paramref name="labels"/>
    /// (grouped in that order; conditional models only; without labels they get ascending ones, see <see cref="GenerateFrom"/>).
    /// With a seed, the same latent vectors every time; else they come from <see cref="Noise"/>. Returns a new CPU tensor.
    /// </summary>
    public torch.Tensor Generate(int n, long? seed = null, IReadOnlyList<int>? labels = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        if (labels is { Count: 0 }) throw new ArgumentException("Give at least one label to generate.", nameof(labels));
        using var scope = torch.NewDisposeScope();
        long total = labels is null ? n : (long)labels.Count * n;
        using var generator = seed is { } s ? new torch.Generator((ulong)s, torch.CPU) : null;
        var z = generator is null ? SampleLatent(total) : torch.randn(new[] { total, (long)LatentDim }, generator: generator);
        var classes = labels is null ? null : torch.tensor(labels.SelectMany(l => Enumerable.Repeat((long)l, n)).ToArray(), torch.int64);
        return GenerateFrom(z, classes).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the generator on <paramref name="latent"/> <c>[batch, latentDim]</c> in inference mode, without gradients, with
    /// the averaged weights when <see cref="GeneratorEmaDecay"/> is set. A conditional model takes <paramref name="labels"/>
    /// <c>[batch]</c>, or ascending ones <c>i · NumClasses / batch</c> (one class per row of a grid of 10 per class).
    /// Returns a new float32 CPU tensor owned by the caller's scope.
    /// </summary>
    /// <exception cref="ArgumentException">Labels for an unconditional model, or labels of the wrong shape or outside the classes.</exception>
    public torch.Tensor GenerateFrom(torch.Tensor latent, torch.Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(latent);
        using var scope = torch.NewDisposeScope();
        var classes = ConditioningLabels(latent.shape[0], labels);
        using var noGrad = torch.no_grad();
        using var swap = average?.SwapInto(Generator);
        var output = GeneratorCall(latent.to(DType, Device), classes?.to(Device), training: false);
        return output.detach().to(torch.float32, torch.CPU, copy: true).MoveToOuterDisposeScope();
    }

    /// <summary>Saves both models' weights (and the weight average) to one safetensors file, Keras-layout names (<c>generator.dense_0.kernel</c> <c>[in, out]</c>), atomically.</summary>
    public void SaveWeights(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var copies = TrainingState.Capture(this, TrainingStateParts.Weights);
        try { SafeTensorsFile.Save(path, copies, metadata); }
        finally { foreach (var tensor in copies.Values) tensor.Dispose(); }
    }

    /// <summary>Loads weights saved by <see cref="SaveWeights"/>; names and shapes must match exactly (<see cref="TrainingState.Restore"/>).</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, or its names or shapes do not match these models (all mismatches are listed).</exception>
    public void LoadWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (tensors, _) = SafeTensorsFile.Load(path);
        try { AssignWeights(tensors, path); }
        finally { foreach (var tensor in tensors.Values) tensor.Dispose(); }
    }

    /// <summary>Gets the live weight tensors by saved name (<c>generator.*</c>, <c>discriminator.*</c>, <c>generator_ema.*</c>); see <see cref="TrainingState.LiveWeights"/>.</summary>
    public IReadOnlyDictionary<string, torch.Tensor> WeightTensors() => TrainingState.LiveWeights(this);

    /// <summary>Copies saved tensors into the models' weights after checking every name and shape; <paramref name="source"/> names them in errors.</summary>
    public void AssignWeights(IReadOnlyDictionary<string, torch.Tensor> tensors, string source) => TrainingState.Restore(this, tensors, TrainingStateParts.Weights, source);

    /// <summary>Releases the models, the weight average and the random generator.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        average?.Dispose();
        Generator.Dispose();
        Discriminator.Dispose();
        random.Dispose();
    }

    /// <summary>Runs the generator. Conditional models override this to feed the labels.</summary>
    protected internal virtual torch.Tensor GeneratorCall(torch.Tensor latent, torch.Tensor? labels, bool training) => Generator.Call(latent, training);

    /// <summary>Runs the discriminator. Conditional models override this to feed the labels.</summary>
    protected internal virtual torch.Tensor DiscriminatorCall(torch.Tensor samples, torch.Tensor? labels, bool training) => Discriminator.Call(samples, training);

    /// <summary>The discriminator's per-example input shape for data examples of <paramref name="elementShape"/> (conditional models add label channels).</summary>
    protected internal virtual IReadOnlyList<long> DiscriminatorInputShape(IReadOnlyList<long> elementShape) => elementShape;

    /// <summary>Checks a batch as the dataset yields it (on the CPU, before it moves to the device), once per step. Conditional models check the labels here.</summary>
    protected virtual void ValidateBatch(Batch batch)
    {
    }

    /// <summary>Yields an epoch's batches, shuffled with the model's generator.</summary>
    protected internal virtual IEnumerable<Batch> EpochBatches(Dataset dataset, int batchSize, bool shuffle) =>
        (dataset ?? throw new ArgumentNullException(nameof(dataset))).GetBatches(batchSize, shuffle, random, dropRemainder: true);

    /// <summary>The labels a conditional generator is run with: those given (checked), or ascending ones; none for an unconditional model.</summary>
    private protected virtual torch.Tensor? ConditioningLabels(long count, torch.Tensor? labels) =>
        labels is null ? null : throw new ArgumentException($"This GAN is not conditional (NumClasses is 0), so it cannot generate given labels.", nameof(labels));

    /// <summary>Checks a CPU batch and moves it to the model's device and dtype (labels stay integers).</summary>
    internal Batch ToDevice(Batch batch)
    {
        ValidateBatch(batch);
        return new Batch(batch.Features.to(DType, Device), batch.Labels?.to(Device));
    }

    /// <summary>Moves the weight average one step (after a generator update).</summary>
    internal void UpdateAverage()
    {
        if (emaDecay is { } decay) average?.Update(Generator, decay);
    }

    private static InvalidOperationException NotCompiled() => new("Call Compile() before Fit().");
}
