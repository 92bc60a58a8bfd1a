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
/// <c>Compile</c>, then <see cref="Fit"/>. This is the user's facade: what it trains with and the step come from
/// <see cref="GanTrainer"/> (as Keras 3's <c>Model</c> extends its <c>Trainer</c>), the epochs from <c>FitLoop</c>,
/// the saved state from <see cref="TrainingState"/>; here are the networks, generation, weights and devices.
/// </summary>
public class GanModel : GanTrainer, IDisposable
{
    private readonly torch.Generator random;
    private double? emaDecay;
    private GeneratorAverage? average;

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
        GeneratorInputShape = generatorInputShape.ToArray();
        if (!generator.Built) generator.Build(GeneratorInputShape);
    }

    /// <inheritdoc />
    public override Model Generator { get; }
    /// <inheritdoc />
    public override Model Discriminator { get; }
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

    /// <inheritdoc />
    public override torch.Generator RandomGenerator => random;

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

    internal IReadOnlyList<long> GeneratorInputShape { get; }

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
        if (IsCompiled)
        {
            DiscriminatorOptimizer.MoveState(Discriminator.TrainableVariables);
            GeneratorOptimizer.MoveState(Generator.TrainableVariables);
        }
        (Device, DType) = (device, dtype);
        return this;
    }

    /// <summary>
    /// Trains on <paramref name="dataset"/> from <paramref name="initialEpoch"/> up to <paramref name="epochs"/> (the index
    /// to stop before, as Keras's <c>epochs</c>), <paramref name="batchSize"/> examples per discriminator update, shuffled
    /// each epoch with the model's seeded generator; returns the <see cref="History"/> of per-epoch means. Prints
    /// progress as Keras's <c>fit</c> does (<paramref name="verbose"/>, see <see cref="FitVerbosity"/>).
    /// </summary>
    /// <remarks>
    /// With <paramref name="distributed"/>, call <c>Fit</c> in every rank of an <c>mpirun</c> launch: training is
    /// data-parallel, <paramref name="batchSize"/> is the per-rank batch, only rank 0 runs the callbacks that write or
    /// print, and the history holds the means over all ranks (see <see cref="Training.Distributed.DataParallel"/>).
    /// </remarks>
    public History Fit(Dataset dataset, int epochs = 1, int batchSize = 64, IEnumerable<Callback>? callbacks = null, bool shuffle = true, int initialEpoch = 0, Training.Distributed.DataParallel? distributed = null, FitVerbosity verbose = FitVerbosity.Auto) =>
        FitLoop.Run(this, dataset, epochs, batchSize, callbacks, shuffle, initialEpoch, distributed, verbose);

    /// <inheritdoc />
    public override torch.Tensor SampleLatent(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var z = Noise.Normal(new[] { n, LatentDim });
        return Device.type == DeviceType.CPU && z.dtype == DType ? z : z.to(DType, Device);
    }

    /// <summary>
    /// Generates <paramref name="n"/> samples in inference mode, or <paramref name="n"/> of each of <paramref name="labels"/>
    /// (grouped in that order; conditional models only; without labels they get ascending ones, see <see cref="GenerateFrom"/>).
    /// With a seed, the same latent vectors every time; else they come from <see cref="GanTrainer.Noise"/>. Returns a new CPU tensor.
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

    /// <summary>
    /// Exports the generator to an ONNX file for ONNX Runtime (opset <see cref="Export.Onnx.OnnxExporter.Opset"/>, dynamic
    /// batch), with the weights <see cref="Generate"/> uses (the moving average when <see cref="GeneratorEmaDecay"/> is set).
    /// See <see cref="Export.Onnx.OnnxExporter"/> for the graph's inputs and outputs.
    /// </summary>
    /// <param name="path">The <c>.onnx</c> file to write (atomically).</param>
    /// <exception cref="Export.Onnx.OnnxExportException">A layer of the generator cannot be exported; nothing was written.</exception>
    public Export.Onnx.OnnxExportInfo ExportGenerator(string path) => Export.Onnx.OnnxExporter.ExportGenerator(this, path);

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

    /// <inheritdoc />
    protected internal override torch.Tensor GeneratorCall(torch.Tensor latent, torch.Tensor? labels, bool training) => Generator.Call(latent, training);

    /// <inheritdoc />
    protected internal override torch.Tensor DiscriminatorCall(torch.Tensor samples, torch.Tensor? labels, bool training) => Discriminator.Call(samples, training);

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

    /// <summary>The labels <see cref="GenerateFrom"/> gives a batch of <paramref name="count"/> when none are given (ascending classes), or null for an unconditional model.</summary>
    internal torch.Tensor? DefaultLabels(long count) => ConditioningLabels(count, null);

    /// <inheritdoc />
    private protected override void UpdateAverage()
    {
        if (emaDecay is { } decay) average?.Update(Generator, decay);
    }
}
