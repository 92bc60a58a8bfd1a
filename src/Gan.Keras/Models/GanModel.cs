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
public partial class GanModel : GanTrainer, IDisposable
{
    private readonly torch.Generator random;
    private double? emaDecay;
    private GeneratorAverage? average;

    /// <summary>Initializes a new instance of the <see cref="GanModel"/> class: a generator of <c>[batch, latentDim]</c> latent vectors, a discriminator of samples, and the seed of the model's own random stream (latent noise, shuffling; random when null).</summary>
    public GanModel(Model generator, Model discriminator, int latentDim, long? seed = null)
        : this(generator, discriminator, new[] { GeneratorInput.Latent(latentDim) }, seed, null)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="GanModel"/> class whose generator takes several inputs, as a functional
    /// <c>Model([noise, label], image)</c>: one <see cref="GeneratorInput"/> per generator input, in order, the latent
    /// vector first (<see cref="GeneratorInput.Latent"/>), then labels (<see cref="GeneratorInput.Labels"/>) or codes. A
    /// discriminator with two inputs receives the samples and the labels; one with several outputs is trained with
    /// <see cref="GanTrainer.Compile(Optimizer, Optimizer, GanLoss, IReadOnlyList{OutputLoss})"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The inputs do not start with the latent vector, or do not match the generator's inputs.</exception>
    public GanModel(Model generator, Model discriminator, IReadOnlyList<GeneratorInput> generatorInputs, long? seed = null)
        : this(generator, discriminator, generatorInputs, seed, null)
    {
    }

    /// <summary>
    /// Initializes a new instance of the <see cref="GanModel"/> class whose generator takes one packed input of
    /// <paramref name="packedInputShape"/> made from <paramref name="generatorInputs"/> by an override of
    /// <see cref="GeneratorCall"/> (as <see cref="ConditionalGanModel"/> joins the latent vector and one-hot labels); null
    /// when the generator takes the inputs as they are.
    /// </summary>
    protected GanModel(Model generator, Model discriminator, IReadOnlyList<GeneratorInput> generatorInputs, long? seed, IReadOnlyList<long>? packedInputShape)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(generatorInputs);
        if (ReferenceEquals(generator, discriminator))
            throw new ArgumentException("The generator and the discriminator must be two different models.", nameof(discriminator));
        if (generatorInputs.Count == 0 || generatorInputs[0] is not LatentInput latent)
            throw new ArgumentException("The generator's inputs must start with the latent vector: GeneratorInput.Latent(dim).", nameof(generatorInputs));
        if (generatorInputs.Skip(1).Any(i => i is LatentInput) || generatorInputs.OfType<LabelsInput>().Count() > 1)
            throw new ArgumentException($"The generator's inputs {LatentBatch.Describe(generatorInputs)} have more than one latent vector or labels input.", nameof(generatorInputs));
        if (generatorInputs.Select(i => i.Name).Distinct().Count() != generatorInputs.Count)
            throw new ArgumentException($"The generator's inputs {LatentBatch.Describe(generatorInputs)} must have distinct names.", nameof(generatorInputs));
        (Generator, Discriminator, LatentDim, GeneratorInputs) = (generator, discriminator, latent.Dim, generatorInputs.ToArray());
        Seed = seed ?? Random.Shared.NextInt64(0, long.MaxValue);
        random = new torch.Generator((ulong)Seed, torch.CPU);
        GeneratorInputShapes = packedInputShape is null ? generatorInputs.Select(i => i.Shape).ToArray() : new[] { packedInputShape.ToArray() };
        if (!generator.Built) generator.Build(GeneratorInputShapes);
        else if (generator.InputShapes!.Count != GeneratorInputShapes.Count || generator.InputShapes.Zip(GeneratorInputShapes).Any(p => !p.First.SequenceEqual(p.Second)))
            throw new ArgumentException(
                $"The generator '{generator.Name}' takes inputs of shape {string.Join(", ", generator.InputShapes.Select(Internal.Shapes.FormatWithBatch))}, but the GAN feeds it {(packedInputShape is null ? LatentBatch.Describe(generatorInputs) : Internal.Shapes.FormatWithBatch(packedInputShape))}. List one GeneratorInput per generator input, in order.",
                nameof(generatorInputs));
    }

    /// <inheritdoc />
    public override Model Generator { get; }
    /// <inheritdoc />
    public override Model Discriminator { get; }
    /// <summary>Gets the latent dimension.</summary>
    public int LatentDim { get; }
    /// <summary>Gets the number of classes the model is conditioned on (0 for an unconditional GAN).</summary>
    public int NumClasses => GeneratorInputs.OfType<LabelsInput>().FirstOrDefault()?.NumClasses ?? 0;

    /// <inheritdoc />
    public override IReadOnlyList<GeneratorInput> GeneratorInputs { get; }
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

    internal IReadOnlyList<IReadOnlyList<long>> GeneratorInputShapes { get; }

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
    /// (grouped in that order; conditional models only; without labels they get ascending ones, see <see cref="GenerateFrom(torch.Tensor, torch.Tensor?)"/>).
    /// With a seed, the same latent vectors (and codes) every time; else they come from <see cref="GanTrainer.Noise"/>. Returns a new CPU tensor.
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
        var inputs = CompleteGeneratorInputs(z, ConditioningLabels(total, classes), generator is null ? Noise : new GeneratorNoiseSource(generator));
        return GenerateFrom(inputs).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// Runs the generator on <paramref name="latent"/> <c>[batch, latentDim]</c> in inference mode, without gradients, with
    /// the averaged weights when <see cref="GeneratorEmaDecay"/> is set. A conditional model takes <paramref name="labels"/>
    /// <c>[batch]</c>, or ascending ones <c>i · NumClasses / batch</c> (one class per row of a grid of 10 per class); codes
    /// are drawn from <see cref="GanTrainer.Noise"/>. Returns a new float32 CPU tensor owned by the caller's scope.
    /// </summary>
    /// <exception cref="ArgumentException">Labels for an unconditional model, or labels of the wrong shape or outside the classes.</exception>
    public torch.Tensor GenerateFrom(torch.Tensor latent, torch.Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(latent);
        using var scope = torch.NewDisposeScope();
        var inputs = CompleteGeneratorInputs(latent, ConditioningLabels(latent.shape[0], labels));
        return GenerateFrom(inputs).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the generator on a batch of every one of its inputs (chosen codes, for InfoGAN), in inference mode; see <see cref="GenerateFrom(torch.Tensor, torch.Tensor?)"/>.</summary>
    public torch.Tensor GenerateFrom(LatentBatch inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Inputs.Count != GeneratorInputs.Count)
            throw new ArgumentException($"The generator takes {GeneratorInputs.Count} inputs ({LatentBatch.Describe(GeneratorInputs)}), but {inputs.Inputs.Count} were given.", nameof(inputs));
        using var scope = torch.NewDisposeScope();
        var moved = new LatentBatch(inputs.Inputs.Select((t, i) => GeneratorInputs[i] is LabelsInput ? t.to(Device) : t.to(DType, Device)).ToArray(), inputs.Labels?.to(Device));
        using var noGrad = torch.no_grad();
        using var swap = average?.SwapInto(Generator);
        var output = GeneratorCall(moved, training: false);
        return output.detach().to(torch.float32, torch.CPU, copy: true).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public override LatentBatch CompleteGeneratorInputs(torch.Tensor latent, torch.Tensor? labels) => CompleteGeneratorInputs(latent, labels, Noise);

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
    /// <exception cref="ArgumentException">A conditional GAN's batch has no labels.</exception>
    public override IReadOnlyDictionary<string, torch.Tensor> TrainStep(Batch batch)
    {
        if (NumClasses > 0) RequireLabels(batch);
        return base.TrainStep(batch);
    }

    /// <inheritdoc />
    /// <remarks>The generator is called on every input; labels are reshaped to the labels input's shape (<c>[n, 1]</c> or <c>[n]</c>).</remarks>
    protected internal override torch.Tensor GeneratorCall(LatentBatch inputs, bool training)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        using var scope = torch.NewDisposeScope();
        var shaped = inputs.Inputs.Select((t, i) => GeneratorInputs[i] is LabelsInput labels ? labels.Shaped(t) : t).ToArray();
        return (shaped.Length == 1 ? Generator.Call(shaped[0], training) : Generator.Call(shaped, training)).MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    /// <remarks>A discriminator with two inputs receives the samples and the labels (as <c>[n, 1]</c> or <c>[n]</c>, its second input's shape).</remarks>
    protected internal override IReadOnlyList<torch.Tensor> DiscriminatorCall(torch.Tensor samples, torch.Tensor? labels, bool training)
    {
        ArgumentNullException.ThrowIfNull(samples);
        int inputs = Discriminator.InputShapes?.Count ?? 1;
        if (inputs == 1) return Discriminator.CallOutputs(new[] { samples }, training);
        if (inputs != 2 || labels is null)
            throw new InvalidOperationException(
                $"The discriminator '{Discriminator.Name}' takes {inputs} inputs; a GAN feeds it the samples and, for a conditional GAN, the labels (two inputs){(labels is null ? ", but this GAN has no labels" : string.Empty)}.");
        using var scope = torch.NewDisposeScope();
        var shaped = Discriminator.InputShapes![1].Count == 0 ? labels : labels.reshape(labels.shape[0], 1);
        return Discriminator.CallOutputs(new[] { samples, shaped }, training).Select(t => t.MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>The discriminator's per-example input shape for data examples of <paramref name="elementShape"/> (conditional models add label channels).</summary>
    protected internal virtual IReadOnlyList<long> DiscriminatorInputShape(IReadOnlyList<long> elementShape) => elementShape;

    /// <summary>
    /// Adds the generator to an ONNX graph whose inputs are named <paramref name="inputs"/> (one per
    /// <see cref="GeneratorInputs"/> entry) and returns the name of the samples. Override with <see cref="GeneratorCall"/>
    /// when the generator is fed its inputs in another form.
    /// </summary>
    protected internal virtual string ExportGeneratorGraph(Export.Onnx.OnnxExportContext onnx, IReadOnlyList<string> inputs)
    {
        ArgumentNullException.ThrowIfNull(onnx);
        var outputs = onnx.ExportRoot(Generator, inputs);
        return outputs[0];
    }

    /// <summary>Checks a batch as the dataset yields it (on the CPU, before it moves to the device), once per step: a conditional GAN's labels are checked here.</summary>
    protected virtual void ValidateBatch(Batch batch)
    {
        // Checked on the CPU batch, before it moves: no device read in the training step.
        if (NumClasses > 0) CheckLabels(RequireLabels(batch), nameof(batch));
    }

    /// <summary>Yields an epoch's batches, shuffled with the model's generator.</summary>
    protected internal virtual IEnumerable<Batch> EpochBatches(Dataset dataset, int batchSize, bool shuffle) =>
        (dataset ?? throw new ArgumentNullException(nameof(dataset))).GetBatches(batchSize, shuffle, random, dropRemainder: true);

    /// <summary>
    /// The labels a conditional generator is run with when generating: those given (checked against the classes and the
    /// batch), or ascending ones (<c>i · NumClasses / count</c>: with 10 × NumClasses latent vectors, one class per grid
    /// row); none for an unconditional model.
    /// </summary>
    /// <exception cref="ArgumentException">Labels for an unconditional model, or labels of the wrong shape or outside the classes.</exception>
    protected virtual torch.Tensor? ConditioningLabels(long count, torch.Tensor? labels)
    {
        if (NumClasses == 0)
            return labels is null ? null : throw new ArgumentException($"This GAN is not conditional (NumClasses is 0), so it cannot generate given labels.", nameof(labels));
        if (labels is null) return torch.tensor(Enumerable.Range(0, (int)count).Select(i => (long)(i * NumClasses / count)).ToArray(), torch.int64);
        CheckLabels(labels, nameof(labels));
        if (labels.shape[0] != count)
            throw new ArgumentException($"Got {count} latent vectors but {labels.shape[0]} labels; give one label per latent vector.", nameof(labels));
        return labels;
    }

    private LatentBatch CompleteGeneratorInputs(torch.Tensor latent, torch.Tensor? labels, NoiseSource noise)
    {
        ArgumentNullException.ThrowIfNull(latent);
        if (latent.dim() != 2 || latent.shape[1] != LatentDim)
            throw new ArgumentException($"Latent vectors must have shape [batch, {LatentDim}], but got {Internal.Shapes.Format(latent.shape)}.", nameof(latent));
        long n = latent.shape[0];
        var values = new List<torch.Tensor>();
        foreach (var input in GeneratorInputs)
        {
            values.Add(input switch
            {
                LatentInput => latent,
                LabelsInput => labels ?? throw new ArgumentException($"The generator's input '{input.Name}' takes class labels, but none were given: train on labelled data, or pass labels.", nameof(labels)),
                _ => Device.type == DeviceType.CPU && DType == torch.float32 ? input.Draw(n, noise) : input.Draw(n, noise).to(DType, Device),
            });
        }
        // An unconditional GAN trained on labelled data ignores the labels.
        return new LatentBatch(values, NumClasses == 0 ? null : labels);
    }

    private torch.Tensor RequireLabels(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return batch.Labels ?? throw new ArgumentException($"{GetType().Name} needs labelled data, but the batch has no labels. Load a dataset with labels (e.g. Mnist.Load keeps them).", nameof(batch));
    }

    private void CheckLabels(torch.Tensor labels, string parameterName)
    {
        ArgumentNullException.ThrowIfNull(labels, parameterName);
        if (labels.dim() != 1 || labels.numel() == 0)
            throw new ArgumentException($"Labels must be a non-empty 1-D tensor [batch], but got {Internal.Shapes.Format(labels.shape)}.", parameterName);
        var ends = HostReads.Read(torch.stack(new[] { labels.min(), labels.max() })); // one counted device read per batch
        long min = (long)ends[0], max = (long)ends[1];
        if (min < 0 || max >= NumClasses)
            throw new ArgumentException($"Labels must be class indices in [0, {NumClasses}), but got values from {min} to {max}. Check numClasses or the data's labels.", parameterName);
    }

    /// <summary>Checks a CPU batch and moves it to the model's device and dtype (labels stay integers).</summary>
    internal Batch ToDevice(Batch batch)
    {
        ValidateBatch(batch);
        return new Batch(batch.Features.to(DType, Device), batch.Labels?.to(Device));
    }

    /// <summary>The labels <see cref="GenerateFrom(torch.Tensor, torch.Tensor?)"/> gives a batch of <paramref name="count"/> when none are given (ascending classes), or null for an unconditional model.</summary>
    internal torch.Tensor? DefaultLabels(long count) => ConditioningLabels(count, null);

    /// <inheritdoc />
    private protected override void UpdateAverage()
    {
        if (emaDecay is { } decay) average?.Update(Generator, decay);
    }
}
