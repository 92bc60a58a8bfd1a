using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using Gan.Keras.Export;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// A generator and a discriminator trained against each other, as the Keras GAN examples' <c>GAN(keras.Model)</c>:
/// <see cref="Compile(Optimizer, Optimizer, GanLoss)"/>, then <see cref="Fit"/>. Override <see cref="TrainStep"/> to change one
/// training step; the loop (epochs, batches, callbacks) stays the same.
/// </summary>
/// <remarks>
/// Training schedules are options set after construction: <see cref="DiscriminatorSteps"/> (n critic updates per
/// generator update, each on its own slice of real data), <see cref="GeneratorEmaDecay"/> (an exponential moving
/// average of the generator's weights, used by <see cref="Generate"/>), <see cref="DiscriminatorWeightClip"/> (WGAN),
/// and <see cref="Noise"/> (where latent vectors and penalty coefficients come from). Separate learning rates come from
/// the two optimizers given to <c>Compile</c>; label smoothing and gradient penalties belong to the <see cref="GanLoss"/>.
/// </remarks>
public class GanModel : IDisposable
{
    private readonly long[] generatorInputShape;
    private torch.Generator random;
    private Optimizer? discriminatorOptimizer;
    private Optimizer? generatorOptimizer;
    private GanLoss? loss;
    private NoiseSource noise;
    private int discriminatorSteps = 1;
    private double? discriminatorWeightClip;
    private double? emaDecay;
    private Dictionary<string, torch.Tensor>? emaWeights;
    private bool scoreRealAndFakeTogether;

    /// <summary>Initializes a new instance of the <see cref="GanModel"/> class.</summary>
    /// <param name="generator">Maps latent vectors <c>[batch, latentDim]</c> to samples.</param>
    /// <param name="discriminator">Maps samples to one score per example.</param>
    /// <param name="latentDim">Size of the latent vector; positive.</param>
    /// <param name="seed">Seed of the model's own random stream (latent noise, shuffling); random when null.</param>
    public GanModel(Model generator, Model discriminator, int latentDim, long? seed = null)
        : this(generator, discriminator, latentDim, seed, new long[] { latentDim })
    {
    }

    /// <summary>Initializes a new instance of the <see cref="GanModel"/> class whose generator takes more than the latent vector (conditional models).</summary>
    /// <param name="generator">Maps <c>[batch, ...generatorInputShape]</c> to samples.</param>
    /// <param name="discriminator">Maps (possibly conditioned) samples to one score per example.</param>
    /// <param name="latentDim">Size of the latent vector; positive.</param>
    /// <param name="seed">Seed of the model's own random stream; random when null.</param>
    /// <param name="generatorInputShape">The generator's per-example input shape (the latent vector plus any conditioning).</param>
    protected GanModel(Model generator, Model discriminator, int latentDim, long? seed, IReadOnlyList<long> generatorInputShape)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentNullException.ThrowIfNull(generatorInputShape);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentDim);
        if (ReferenceEquals(generator, discriminator))
            throw new ArgumentException("The generator and the discriminator must be two different models.", nameof(discriminator));
        Generator = generator;
        Discriminator = discriminator;
        LatentDim = latentDim;
        Seed = seed ?? Random.Shared.NextInt64(0, long.MaxValue);
        random = new torch.Generator((ulong)Seed, torch.CPU);
        noise = new GeneratorNoiseSource(random);
        this.generatorInputShape = generatorInputShape.ToArray();
        if (!generator.Built) generator.Build(this.generatorInputShape);
    }

    /// <summary>Gets the generator.</summary>
    public Model Generator { get; }

    /// <summary>Gets the discriminator (critic).</summary>
    public Model Discriminator { get; }

    /// <summary>Gets the latent dimension.</summary>
    public int LatentDim { get; }

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

    /// <summary>Gets the model's random generator (latent noise, shuffling). Its state is part of a checkpoint.</summary>
    public torch.Generator RandomGenerator => random;

    /// <summary>
    /// Gets or sets where training draws latent vectors and penalty coefficients; by default the model's seeded
    /// <see cref="RandomGenerator"/>. Set a <see cref="RecordedNoiseSource"/> to replay another framework's draws.
    /// </summary>
    public NoiseSource Noise
    {
        get => noise;
        set => noise = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>
    /// Gets or sets the number of discriminator (critic) updates per generator update (n_critic; 5 for WGAN and
    /// WGAN-GP), 1 by default. Each critic update takes its own slice of real data, as in Gulrajani et al.'s
    /// Algorithm 1: <see cref="Fit"/> then hands <see cref="TrainStep"/> <c>DiscriminatorSteps × batchSize</c> examples.
    /// </summary>
    public int DiscriminatorSteps
    {
        get => discriminatorSteps;
        set
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(value);
            discriminatorSteps = value;
        }
    }

    /// <summary>
    /// Gets or sets the bound c to clip every discriminator weight to, <c>[−c, c]</c>, after each discriminator
    /// update; null (the default) uses the loss's <see cref="GanLoss.CriticWeightClip"/> (0.01 for <see cref="WassersteinLoss"/>).
    /// </summary>
    public double? DiscriminatorWeightClip
    {
        get => discriminatorWeightClip;
        set
        {
            if (value is { } c && (!(c > 0) || double.IsInfinity(c)))
                throw new ArgumentOutOfRangeException(nameof(value), value, "The weight clipping bound must be a positive, finite number (0.01 in the WGAN paper), or null.");
            discriminatorWeightClip = value;
        }
    }

    /// <summary>
    /// Gets or sets the decay of an exponential moving average of the generator's weights (e.g. 0.999), or null (the
    /// default) for none. When set, the average starts from the current weights, is updated after every generator
    /// update (<c>ema = d·ema + (1 − d)·w</c>; non-trainable state such as moving statistics is copied), is used by
    /// <see cref="Generate"/> and <see cref="GenerateFrom"/>, and is saved with the weights under <c>generator_ema.*</c>.
    /// </summary>
    /// <remarks>Karras et al., "Progressive Growing of GANs", ICLR 2018; Yazıcı et al., "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019.</remarks>
    public double? GeneratorEmaDecay
    {
        get => emaDecay;
        set
        {
            if (value is { } d && !(d > 0 && d < 1))
                throw new ArgumentOutOfRangeException(nameof(value), value, "The EMA decay must be in (0, 1), e.g. 0.999, or null to turn the average off.");
            emaDecay = value;
            if (value is null) DisposeEma();
            else if (emaWeights is null) emaWeights = CreateEma();
        }
    }

    /// <summary>Gets the generator's averaged weights by state-dict name (live tensors), or an empty dictionary when <see cref="GeneratorEmaDecay"/> is off.</summary>
    public IReadOnlyDictionary<string, torch.Tensor> GeneratorEmaWeights => emaWeights ?? new Dictionary<string, torch.Tensor>();

    /// <summary>
    /// Gets or sets a value indicating whether the discriminator update scores real and generated samples in one
    /// discriminator call on the concatenated batch (false by default: two calls, as the Keras and PyTorch examples do).
    /// One call launches half the kernels, which matters for small networks and on GPUs. The losses are the same up to
    /// float rounding (a larger matrix product may sum in another order), so it is off where bit-for-bit parity with
    /// another framework matters.
    /// </summary>
    /// <exception cref="InvalidOperationException">Set to true while the discriminator has a <see cref="BatchNormalization"/> layer: its batch statistics would mix real and generated samples.</exception>
    public bool ScoreRealAndFakeTogether
    {
        get => scoreRealAndFakeTogether;
        set
        {
            if (value) CheckNoBatchDependentLayer(Discriminator);
            scoreRealAndFakeTogether = value;
        }
    }

    /// <summary>Sets two separate optimizers and the GAN loss.</summary>
    public void Compile(Optimizer discriminatorOptimizer, Optimizer generatorOptimizer, GanLoss loss)
    {
        ArgumentNullException.ThrowIfNull(discriminatorOptimizer);
        ArgumentNullException.ThrowIfNull(generatorOptimizer);
        ArgumentNullException.ThrowIfNull(loss);
        if (ReferenceEquals(discriminatorOptimizer, generatorOptimizer))
            throw new ArgumentException("Use two separate optimizers: Adam keeps per-variable state, and the two networks must not share one.", nameof(generatorOptimizer));
        this.discriminatorOptimizer = discriminatorOptimizer;
        this.generatorOptimizer = generatorOptimizer;
        this.loss = loss;
    }

    /// <summary>Sets two optimizers and a label loss (e.g. <see cref="BinaryCrossentropy"/>), used as the non-saturating GAN loss.</summary>
    public void Compile(Optimizer discriminatorOptimizer, Optimizer generatorOptimizer, Loss loss) =>
        Compile(discriminatorOptimizer, generatorOptimizer, new NonSaturatingLoss(loss ?? throw new ArgumentNullException(nameof(loss))));

    /// <summary>Moves both models, their optimizers' state, the weight average and future batches to a device.</summary>
    public GanModel To(torch.Device device) => To(device, DType);

    /// <summary>Converts both models, their optimizers' state, the weight average and future batches to a floating-point type (<c>float64</c> to train in double precision).</summary>
    public GanModel To(torch.ScalarType dtype) => To(Device, dtype);

    /// <summary>
    /// Moves everything that training keeps to <paramref name="device"/> and <paramref name="dtype"/>: both models'
    /// weights (TorchSharp replaces their parameter objects), the optimizers' state, the generator's weight average,
    /// and the batches and latent vectors of every later step. A float32 → float64 → float32 round trip is lossless, so
    /// training then continues bit for bit as if the model had never moved.
    /// </summary>
    /// <param name="device">The device (<c>torch.CPU</c>, <c>torch.CUDA</c>).</param>
    /// <param name="dtype">A floating-point type: <c>float32</c> or <c>float64</c> (or <c>float16</c>/<c>bfloat16</c> on devices that support them).</param>
    public GanModel To(torch.Device device, torch.ScalarType dtype)
    {
        ArgumentNullException.ThrowIfNull(device);
        if (dtype is not (torch.ScalarType.Float32 or torch.ScalarType.Float64 or torch.ScalarType.Float16 or torch.ScalarType.BFloat16))
            throw new ArgumentException($"A GAN trains in a floating-point type (float32, float64), not {dtype}.", nameof(dtype));
        foreach (var model in new[] { Generator, Discriminator })
        {
            // TorchSharp replaces every parameter on .to(dtype) even when nothing changes (and the optimizers then
            // rebuild their flat storage): convert only a model that has something to convert.
            if (model.parameters().Any(p => p.dtype != dtype) || model.buffers().Any(b => b.is_floating_point() && b.dtype != dtype)) model.to(dtype);
            model.to(device);
        }
        if (emaWeights is not null)
            foreach (var name in emaWeights.Keys.ToArray())
            {
                var moved = emaWeights[name].to(emaWeights[name].is_floating_point() ? dtype : emaWeights[name].dtype, device).DetachFromDisposeScope();
                if (!ReferenceEquals(moved, emaWeights[name])) emaWeights[name].Dispose();
                emaWeights[name] = moved;
            }
        discriminatorOptimizer?.MoveState(Discriminator.TrainableVariables);
        generatorOptimizer?.MoveState(Generator.TrainableVariables);
        Device = device;
        DType = dtype;
        return this;
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs (the index to stop before, as Keras's <c>epochs</c>).</summary>
    /// <param name="dataset">The real data; its elements must match the discriminator's input.</param>
    /// <param name="epochs">The epoch to stop before.</param>
    /// <param name="batchSize">Examples per discriminator update; with <see cref="DiscriminatorSteps"/> = n, each step takes n batches.</param>
    /// <param name="callbacks">Callbacks; a <see cref="History"/> is always added and returned.</param>
    /// <param name="shuffle">Whether to shuffle each epoch (with the model's seeded generator).</param>
    /// <param name="initialEpoch">The epoch to start at (resuming).</param>
    /// <returns>The per-epoch means of every logged value.</returns>
    public History Fit(Dataset dataset, int epochs = 1, int batchSize = 64, IEnumerable<Callback>? callbacks = null, bool shuffle = true, int initialEpoch = 0) =>
        FitLoop.Run(this, dataset, epochs, batchSize, callbacks, shuffle, initialEpoch);

    /// <summary>
    /// One training step on a batch of real data: <see cref="DiscriminatorSteps"/> discriminator updates, each on its
    /// own equal slice of the batch and freshly drawn latent vectors, then one generator update on as many latent
    /// vectors as one slice. Returns plain numbers, never live tensors: <c>d_loss</c>, <c>d_real</c>, <c>d_fake</c>
    /// (means over the discriminator updates), <c>g_loss</c>, and <c>d_penalty</c> when the loss has a penalty.
    /// Runs inside a dispose scope opened by <see cref="Fit"/>.
    /// </summary>
    /// <remarks>
    /// Random draws happen in this order, which a <see cref="RecordedNoiseSource"/> must follow: for each discriminator
    /// update its latent vectors, then the penalty's coefficients (if any); then the generator's latent vectors.
    /// Labelled batches pass each slice's labels along (used by <see cref="ConditionalGanModel"/>; the generator update
    /// uses the last slice's labels).
    /// </remarks>
    public virtual IReadOnlyDictionary<string, torch.Tensor> TrainStep(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        int k = DiscriminatorSteps;
        if (batch.Size % k != 0 || batch.Size < k)
            throw new ArgumentException($"TrainStep received {batch.Size} examples, but DiscriminatorSteps = {k} needs a positive multiple of {k}: each discriminator update takes its own slice.", nameof(batch));
        long n = batch.Size / k;
        torch.Tensor? dLoss = null, dReal = null, dFake = null, penalty = null;
        torch.Tensor? labels = null;
        for (int i = 0; i < k; i++)
        {
            var real = k == 1 ? batch.Features : batch.Features.narrow(0, i * n, n);
            labels = batch.Labels is null ? null : k == 1 ? batch.Labels : batch.Labels.narrow(0, i * n, n);
            var result = TrainDiscriminatorStep(real, SampleLatent(n), labels);
            dLoss = Sum(dLoss, result.Loss);
            dReal = Sum(dReal, result.RealScore);
            dFake = Sum(dFake, result.FakeScore);
            if (result.Penalty is { } p) penalty = Sum(penalty, p);
        }
        var gLoss = TrainGeneratorStep(SampleLatent(n), labels);
        var logs = new Dictionary<string, torch.Tensor> { ["d_loss"] = Mean(dLoss!), ["g_loss"] = gLoss, ["d_real"] = Mean(dReal!), ["d_fake"] = Mean(dFake!) };
        if (penalty is not null) logs["d_penalty"] = Mean(penalty);
        return logs;

        static torch.Tensor Sum(torch.Tensor? total, torch.Tensor value) => total is null ? value : total + value;
        torch.Tensor Mean(torch.Tensor total) => k == 1 ? total : total / k;
    }

    /// <summary>
    /// One discriminator update: the loss on real samples and on samples generated from <paramref name="latent"/>
    /// (detached), plus the loss's <see cref="GanLoss.Penalty"/> when it has one; then the weights are clipped when
    /// <see cref="DiscriminatorWeightClip"/> or the loss's <see cref="GanLoss.CriticWeightClip"/> says so.
    /// </summary>
    /// <param name="real">Real samples <c>[batch, ...]</c>.</param>
    /// <param name="latent">Latent vectors <c>[batch, latentDim]</c>.</param>
    /// <param name="labels">Class labels <c>[batch]</c> for conditional models, or null.</param>
    public virtual DiscriminatorStepResult TrainDiscriminatorStep(torch.Tensor real, torch.Tensor latent, torch.Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(latent);
        var ganLoss = Loss;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        torch.Tensor fake;
        // The discriminator update does not train the generator: its samples are made without recording a graph.
        using (torch.no_grad()) fake = GeneratorCall(latent, labels, training: true);
        var (realOutput, fakeOutput) = ScoreRealAndFake(real, fake, labels);
        var dLoss = ganLoss.DiscriminatorLoss(realOutput, fakeOutput);
        torch.Tensor? penalty = null;
        if (ganLoss.Penalty is { } gradientPenalty)
        {
            penalty = gradientPenalty.Compute(x => DiscriminatorCall(x, labels, training: true), real, fake, Noise);
            dLoss = dLoss + penalty;
        }
        var variables = Discriminator.TrainableVariables;
        var grads = tape.Gradient(dLoss, variables);
        DiscriminatorOptimizer.ApplyGradients(grads, variables);
        using var noGrad = torch.no_grad();
        if ((DiscriminatorWeightClip ?? ganLoss.CriticWeightClip) is { } clip)
            foreach (var variable in variables) variable.clamp_(-clip, clip);
        return new DiscriminatorStepResult(
            dLoss.detach().MoveToOuterDisposeScope(),
            ganLoss.Score(realOutput).mean().detach().MoveToOuterDisposeScope(),
            ganLoss.Score(fakeOutput).mean().detach().MoveToOuterDisposeScope(),
            penalty?.detach().MoveToOuterDisposeScope());
    }

    /// <summary>
    /// One generator update on samples generated from <paramref name="latent"/> (and <paramref name="labels"/> for
    /// conditional models); the discriminator is not updated. Then the weight average is updated when
    /// <see cref="GeneratorEmaDecay"/> is set.
    /// </summary>
    /// <returns>The generator loss whose gradient was applied: a detached scalar on the device (read it with <c>.item&lt;float&gt;()</c> when needed).</returns>
    public virtual torch.Tensor TrainGeneratorStep(torch.Tensor latent, torch.Tensor? labels = null)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var ganLoss = Loss;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        var fakeOutput = DiscriminatorCall(Augment(GeneratorCall(latent, labels, training: true)), labels, training: true);
        var gLoss = ganLoss.GeneratorLoss(fakeOutput);
        var variables = Generator.TrainableVariables;
        var grads = tape.Gradient(gLoss, variables);
        GeneratorOptimizer.ApplyGradients(grads, variables);
        UpdateEma();
        return gLoss.detach().MoveToOuterDisposeScope();
    }

    /// <summary>Gets or sets the differentiable augmentation of real and generated samples before the discriminator in training (Zhao et al. 2020), or null (the default) for none. Gradient penalties see the samples unaugmented.</summary>
    public Training.DiffAugment? Augmentation { get; set; }

    private torch.Tensor Augment(torch.Tensor samples) => Augmentation?.Apply(samples, random) ?? samples;

    /// <summary>Draws latent vectors <c>[n, latentDim]</c> from N(0, 1) from <see cref="Noise"/>, on the model's device.</summary>
    public torch.Tensor SampleLatent(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var z = Noise.Normal(new[] { n, LatentDim });
        return Device.type == DeviceType.CPU && z.dtype == DType ? z : z.to(DType, Device);
    }

    /// <summary>Runs the generator. Conditional models override this to feed the labels.</summary>
    /// <param name="latent">Latent vectors <c>[batch, latentDim]</c>.</param>
    /// <param name="labels">Class labels <c>[batch]</c>, or null for unconditional models.</param>
    /// <param name="training">Whether the call is part of training.</param>
    protected virtual torch.Tensor GeneratorCall(torch.Tensor latent, torch.Tensor? labels, bool training) => Generator.Call(latent, training);

    /// <summary>Runs the discriminator. Conditional models override this to feed the labels.</summary>
    /// <param name="samples">Real or generated samples <c>[batch, ...]</c>.</param>
    /// <param name="labels">Class labels <c>[batch]</c>, or null for unconditional models.</param>
    /// <param name="training">Whether the call is part of training.</param>
    protected virtual torch.Tensor DiscriminatorCall(torch.Tensor samples, torch.Tensor? labels, bool training) => Discriminator.Call(samples, training);

    /// <summary>The discriminator's per-example input shape for data examples of <paramref name="elementShape"/> (conditional models add label channels).</summary>
    protected virtual IReadOnlyList<long> DiscriminatorInputShape(IReadOnlyList<long> elementShape) => elementShape;

    /// <summary>Generates <paramref name="n"/> samples in inference mode. With a seed, the same samples every time.</summary>
    /// <returns>A new CPU tensor <c>[n, ...]</c>, owned by the caller.</returns>
    public torch.Tensor Generate(int n, long? seed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        using var scope = torch.NewDisposeScope();
        torch.Tensor z;
        if (seed is { } s)
        {
            using var generator = new torch.Generator((ulong)s, torch.CPU);
            z = torch.randn(new long[] { n, LatentDim }, generator: generator).to(DType, Device);
        }
        else
        {
            z = SampleLatent(n);
        }
        return GenerateFrom(z).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the generator on given latent vectors in inference mode, without gradients (with the averaged weights when <see cref="GeneratorEmaDecay"/> is set).</summary>
    /// <returns>A new CPU tensor, owned by the caller's scope.</returns>
    public virtual torch.Tensor GenerateFrom(torch.Tensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        return GenerateWithLabels(latent, null);
    }

    /// <summary>Runs the generator in inference mode with the averaged weights when enabled; returns a new CPU tensor.</summary>
    private protected torch.Tensor GenerateWithLabels(torch.Tensor latent, torch.Tensor? labels)
    {
        using var noGrad = torch.no_grad();
        using var swap = UseEmaWeights();
        using var output = GeneratorCall(latent.to(DType, Device), labels?.to(Device), training: false);
        return output.detach().to(torch.float32, torch.CPU, copy: true);
    }

    /// <summary>Saves both models' weights to one safetensors file, Keras-layout names (<c>generator.dense_0.kernel</c> <c>[in, out]</c>).</summary>
    public void SaveWeights(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsFile.Save(path, WeightTensors(), metadata);
    }

    /// <summary>
    /// Exports the generator to an ONNX file for ONNX Runtime (opset <see cref="Export.Onnx.OnnxExporter.Opset"/>, dynamic
    /// batch), with the weights <see cref="Generate"/> uses (the moving average when <see cref="GeneratorEmaDecay"/> is set).
    /// See <see cref="Export.Onnx.OnnxExporter"/> for the graph's inputs and outputs.
    /// </summary>
    /// <param name="path">The <c>.onnx</c> file to write (atomically).</param>
    /// <exception cref="Export.Onnx.OnnxExportException">A layer of the generator cannot be exported; nothing was written.</exception>
    public Export.Onnx.OnnxExportInfo ExportGenerator(string path) => Export.Onnx.OnnxExporter.ExportGenerator(this, path);

    /// <summary>Loads weights saved by <see cref="SaveWeights"/>; names and shapes must match exactly.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt, or its names or shapes do not match these models (all mismatches are listed).</exception>
    public void LoadWeights(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var (tensors, _) = SafeTensorsFile.Load(path);
        try
        {
            AssignWeights(tensors, path);
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>
    /// Gets the live weight tensors of both models by saved name (<c>generator.*</c>, <c>discriminator.*</c>), and the
    /// generator's averaged weights (<c>generator_ema.*</c>) when <see cref="GeneratorEmaDecay"/> is set.
    /// </summary>
    /// <remarks>Files with <c>generator_ema.*</c> load into a model without the average too: those tensors are then ignored.</remarks>
    public IReadOnlyDictionary<string, torch.Tensor> WeightTensors()
    {
        var weights = new Dictionary<string, torch.Tensor>();
        foreach (var (prefix, model) in new[] { ("generator", Generator), ("discriminator", Discriminator) })
            foreach (var (name, tensor) in model.state_dict())
                weights[$"{prefix}.{name}"] = tensor;
        if (emaWeights is not null)
            foreach (var (name, tensor) in emaWeights)
                weights[$"{EmaPrefix}.{name}"] = tensor;
        return weights;
    }

    /// <summary>Copies the given tensors into the models' weights after checking every name and shape.</summary>
    /// <param name="tensors">Saved tensors by name.</param>
    /// <param name="source">Where they come from, for error messages.</param>
    public void AssignWeights(IReadOnlyDictionary<string, torch.Tensor> tensors, string source)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        var live = WeightTensors();
        var problems = new List<string>();
        foreach (var (name, tensor) in live)
        {
            if (!tensors.TryGetValue(name, out var saved)) problems.Add($"missing '{name}' {Shapes.Format(tensor.shape)}");
            else if (!saved.shape.SequenceEqual(tensor.shape)) problems.Add($"'{name}': saved {Shapes.Format(saved.shape)}, model has {Shapes.Format(tensor.shape)}");
        }
        foreach (var name in tensors.Keys.Where(k => (k.StartsWith("generator.", StringComparison.Ordinal) || k.StartsWith("discriminator.", StringComparison.Ordinal)) && !live.ContainsKey(k)))
            problems.Add($"unexpected '{name}' {Shapes.Format(tensors[name].shape)}");
        if (problems.Count > 0)
            throw new InvalidDataException($"Weights in '{source}' do not match this GAN's architecture: {string.Join("; ", problems)}.");
        using var noGrad = torch.no_grad();
        foreach (var (name, tensor) in live) tensor.copy_(tensors[name]);
    }

    /// <summary>Replaces the model's random generator state (restoring a checkpoint).</summary>
    public void SetRandomState(torch.Tensor state)
    {
        ArgumentNullException.ThrowIfNull(state);
        random.set_state(state);
    }

    /// <summary>Releases the models and the random generator.</summary>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases resources.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        DisposeEma();
        Generator.Dispose();
        Discriminator.Dispose();
        random.Dispose();
    }

    /// <summary>Checks a batch as the dataset yields it (on the CPU, before it moves to the device), once per step. Conditional models check the labels here.</summary>
    /// <param name="batch">The batch, on the CPU.</param>
    protected virtual void ValidateBatch(Batch batch)
    {
    }

    /// <summary>Checks the data against the models and builds the discriminator; called by the loop before the first epoch.</summary>
    internal void PrepareToFit(Dataset dataset)
    {
        CheckDataShape(dataset.ElementShape);
        if (ScoreRealAndFakeTogether) CheckNoBatchDependentLayer(Discriminator);
    }

    /// <summary>An epoch's batches, for the loop.</summary>
    internal IEnumerable<Batch> BatchesOfEpoch(Dataset dataset, int batchSize, bool shuffle) => EpochBatches(dataset, batchSize, shuffle);

    /// <summary>Checks a CPU batch and moves it to the model's device and dtype (labels stay integers).</summary>
    internal Batch ToDevice(Batch batch)
    {
        ValidateBatch(batch);
        return new Batch(batch.Features.to(DType, Device), batch.Labels?.to(Device));
    }

    /// <summary>Scores real and generated samples, in two discriminator calls or, with <see cref="ScoreRealAndFakeTogether"/>, in one.</summary>
    private (torch.Tensor Real, torch.Tensor Fake) ScoreRealAndFake(torch.Tensor real, torch.Tensor fake, torch.Tensor? labels)
    {
        real = Augment(real);
        fake = Augment(fake);
        if (!ScoreRealAndFakeTogether)
            return (DiscriminatorCall(real, labels, training: true), DiscriminatorCall(fake, labels, training: true));
        var both = DiscriminatorCall(torch.cat(new[] { real, fake }), labels is null ? null : torch.cat(new[] { labels, labels }), training: true);
        long n = real.shape[0];
        return (both.narrow(0, 0, n), both.narrow(0, n, both.shape[0] - n));
    }

    private static void CheckNoBatchDependentLayer(Layer model)
    {
        if (model is BatchNormalization)
            throw new InvalidOperationException(
                $"ScoreRealAndFakeTogether needs a discriminator without batch-dependent layers, but '{model.Name}' is a BatchNormalization layer: one call would normalize real and generated samples together. Leave the option off, or remove batch normalization from the discriminator.");
        foreach (var sublayer in model.SubLayers) CheckNoBatchDependentLayer(sublayer);
    }

    /// <summary>Yields an epoch's batches, shuffled with the model's generator.</summary>
    protected virtual IEnumerable<Batch> EpochBatches(Dataset dataset, int batchSize, bool shuffle)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.GetBatches(batchSize, shuffle, random, dropRemainder: true);
    }

    private void CheckDataShape(IReadOnlyList<long> elementShape)
    {
        var generated = Generator.OutputShape ?? Generator.ComputeOutputShape(generatorInputShape);
        var discriminatorInput = DiscriminatorInputShape(elementShape);
        if (Discriminator.Built && !Shapes.Equal(Discriminator.InputShape!, discriminatorInput))
            throw new IncompatibleInputException(
                $"The discriminator '{Discriminator.Name}' expects examples of shape {Shapes.FormatWithBatch(Discriminator.InputShape!)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}" +
                (Shapes.Equal(discriminatorInput, elementShape) ? ". " : $", which makes discriminator inputs of shape {Shapes.FormatWithBatch(discriminatorInput)}. ") +
                "Flatten or reshape the data (or the discriminator's input) so they match.",
                Discriminator.InputShape!, discriminatorInput);
        if (!Shapes.Equal(generated, elementShape))
            throw new IncompatibleInputException(
                $"The generator '{Generator.Name}' produces samples of shape {Shapes.FormatWithBatch(generated)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}. " +
                "Change the generator's output layer (or add a Reshape) to match the data.",
                elementShape, generated);
        if (!Discriminator.Built) Discriminator.Build(discriminatorInput);
    }

    private const string EmaPrefix = "generator_ema";

    private Dictionary<string, torch.Tensor> CreateEma()
    {
        using var noGrad = torch.no_grad();
        // The average lives across training steps: detached copies outside any dispose scope.
        return Generator.state_dict().ToDictionary(kv => kv.Key, kv => kv.Value.detach().clone().DetachFromDisposeScope());
    }

    private void DisposeEma()
    {
        if (emaWeights is null) return;
        foreach (var tensor in emaWeights.Values) tensor.Dispose();
        emaWeights = null;
    }

    private void UpdateEma()
    {
        if (emaWeights is null || emaDecay is not { } decay) return;
        using var noGrad = torch.no_grad();
        var trainable = new HashSet<string>(Generator.named_parameters().Select(p => p.name));
        foreach (var (name, tensor) in Generator.state_dict())
        {
            var average = emaWeights[name];
            if (trainable.Contains(name) && tensor.is_floating_point()) average.mul_(decay).add_(tensor, alpha: 1 - decay);
            else average.copy_(tensor);
        }
    }

    /// <summary>Copies the averaged weights into the generator until disposed, then restores the trained ones; a no-op without an average.</summary>
    private WeightRestorer? UseEmaWeights()
    {
        if (emaWeights is null) return null;
        var live = Generator.state_dict();
        var saved = new Dictionary<string, torch.Tensor>();
        using (torch.no_grad())
        {
            foreach (var (name, tensor) in live)
            {
                saved[name] = tensor.detach().clone().DetachFromDisposeScope();
                tensor.copy_(emaWeights[name]);
            }
        }
        return new WeightRestorer(live, saved);
    }

    private sealed class WeightRestorer(IDictionary<string, torch.Tensor> live, Dictionary<string, torch.Tensor> saved) : IDisposable
    {
        public void Dispose()
        {
            using var noGrad = torch.no_grad();
            foreach (var (name, tensor) in saved)
            {
                live[name].copy_(tensor);
                tensor.Dispose();
            }
        }
    }

    private static InvalidOperationException NotCompiled() => new("Call Compile() before Fit().");
}
