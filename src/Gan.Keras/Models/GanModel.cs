using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Internal;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using Gan.Keras.Saving;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// A generator and a discriminator trained against each other, as the Keras GAN examples' <c>GAN(keras.Model)</c>:
/// <see cref="Compile(Optimizer, Optimizer, GanLoss)"/>, then <see cref="Fit"/>. Override <see cref="TrainStep"/> to change one
/// training step; the loop (epochs, batches, callbacks) stays the same.
/// </summary>
public class GanModel : IDisposable
{
    private torch.Generator random;
    private Optimizer? discriminatorOptimizer;
    private Optimizer? generatorOptimizer;
    private GanLoss? loss;

    /// <summary>Initializes a new instance of the <see cref="GanModel"/> class.</summary>
    /// <param name="generator">Maps latent vectors <c>[batch, latentDim]</c> to samples.</param>
    /// <param name="discriminator">Maps samples to one score per example.</param>
    /// <param name="latentDim">Size of the latent vector; positive.</param>
    /// <param name="seed">Seed of the model's own random stream (latent noise, shuffling); random when null.</param>
    public GanModel(Model generator, Model discriminator, int latentDim, long? seed = null)
    {
        ArgumentNullException.ThrowIfNull(generator);
        ArgumentNullException.ThrowIfNull(discriminator);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(latentDim);
        if (ReferenceEquals(generator, discriminator))
            throw new ArgumentException("The generator and the discriminator must be two different models.", nameof(discriminator));
        Generator = generator;
        Discriminator = discriminator;
        LatentDim = latentDim;
        Seed = seed ?? Random.Shared.NextInt64(0, long.MaxValue);
        random = new torch.Generator((ulong)Seed, torch.CPU);
        if (!generator.Built) generator.Build(new long[] { latentDim });
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

    /// <summary>Moves both models (and future batches) to a device.</summary>
    public GanModel To(torch.Device device)
    {
        ArgumentNullException.ThrowIfNull(device);
        Generator.to(device);
        Discriminator.to(device);
        Device = device;
        return this;
    }

    /// <summary>Trains for <paramref name="epochs"/> epochs (the index to stop before, as Keras's <c>epochs</c>).</summary>
    /// <param name="dataset">The real data; its elements must match the discriminator's input.</param>
    /// <param name="epochs">The epoch to stop before.</param>
    /// <param name="batchSize">Examples per step.</param>
    /// <param name="callbacks">Callbacks; a <see cref="History"/> is always added and returned.</param>
    /// <param name="shuffle">Whether to shuffle each epoch (with the model's seeded generator).</param>
    /// <param name="initialEpoch">The epoch to start at (resuming).</param>
    /// <returns>The per-epoch means of every logged value.</returns>
    public History Fit(InMemoryDataset dataset, int epochs = 1, int batchSize = 64, IEnumerable<Callback>? callbacks = null, bool shuffle = true, int initialEpoch = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(epochs);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfNegative(initialEpoch);
        if (!IsCompiled) throw new InvalidOperationException("Call Compile() before Fit().");
        CheckDataShape(dataset.ElementShape);
        var history = new History();
        var all = new List<Callback> { history };
        all.AddRange(callbacks ?? Array.Empty<Callback>());
        foreach (var callback in all) callback.Model = this;
        long steps = dataset.BatchCount(batchSize, dropRemainder: true);
        if (steps == 0) dataset.GetBatches(batchSize); // throws the clear error about the batch size
        StopTraining = false;
        // A callback such as BackupAndRestore may restore an interrupted run and move the first epoch forward.
        foreach (var callback in all)
            if (callback.RestoreBeforeTraining() is int restoredEpoch) initialEpoch = Math.Max(initialEpoch, restoredEpoch);
        var context = new TrainingContext(epochs, initialEpoch, steps, batchSize);
        foreach (var callback in all) callback.OnTrainBegin(context);
        IReadOnlyDictionary<string, double> epochLogs = new Dictionary<string, double>();
        for (int epoch = initialEpoch; epoch < epochs && !StopTraining; epoch++)
        {
            foreach (var callback in all) callback.OnEpochBegin(epoch);
            var sums = new Dictionary<string, double>();
            int count = 0;
            foreach (var batch in EpochBatches(dataset, batchSize, shuffle))
            {
                foreach (var callback in all) callback.OnBatchBegin(count);
                IReadOnlyDictionary<string, double> logs;
                using (var scope = torch.NewDisposeScope())
                {
                    logs = TrainStep(new Batch(batch.Features.to(Device), batch.Labels?.to(Device)));
                }
                batch.Features.Dispose();
                batch.Labels?.Dispose();
                foreach (var (key, value) in logs) sums[key] = sums.GetValueOrDefault(key) + value;
                foreach (var callback in all) callback.OnBatchEnd(count, logs);
                count++;
                if (StopTraining) break;
            }
            epochLogs = sums.ToDictionary(kv => kv.Key, kv => kv.Value / Math.Max(1, count));
            foreach (var callback in all) callback.OnEpochEnd(epoch, epochLogs);
        }
        foreach (var callback in all) callback.OnTrainEnd(epochLogs);
        return history;
    }

    /// <summary>
    /// One training step on a batch of real data: one discriminator update on real and generated samples, then one
    /// generator update (non-saturating by default). Returns plain numbers, never live tensors.
    /// Runs inside a dispose scope opened by <see cref="Fit"/>.
    /// </summary>
    public virtual IReadOnlyDictionary<string, double> TrainStep(Batch batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        long n = batch.Size;
        var (dLoss, dReal, dFake) = TrainDiscriminator(batch.Features, SampleLatent(n));
        double gLoss = TrainGenerator(SampleLatent(n));
        return new Dictionary<string, double> { ["d_loss"] = dLoss, ["g_loss"] = gLoss, ["d_real"] = dReal, ["d_fake"] = dFake };
    }

    /// <summary>One discriminator update on real samples and on samples generated from <paramref name="latent"/> (detached).</summary>
    /// <returns>The loss whose gradient was applied, and the mean scores on real and on generated samples.</returns>
    public (double Loss, double RealScore, double FakeScore) TrainDiscriminator(torch.Tensor real, torch.Tensor latent)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(latent);
        var ganLoss = Loss;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        var fake = Generator.Call(latent, training: true).detach();
        var realOutput = Discriminator.Call(real, training: true);
        var fakeOutput = Discriminator.Call(fake, training: true);
        var dLoss = ganLoss.DiscriminatorLoss(realOutput, fakeOutput);
        var variables = Discriminator.TrainableVariables;
        var grads = tape.Gradient(dLoss, variables);
        DiscriminatorOptimizer.ApplyGradients(grads, variables);
        using var noGrad = torch.no_grad();
        return (dLoss.item<float>(), ganLoss.Score(realOutput).mean().item<float>(), ganLoss.Score(fakeOutput).mean().item<float>());
    }

    /// <summary>One generator update on samples generated from <paramref name="latent"/>; the discriminator is not updated.</summary>
    /// <returns>The generator loss whose gradient was applied.</returns>
    public double TrainGenerator(torch.Tensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        var ganLoss = Loss;
        using var scope = torch.NewDisposeScope();
        using var tape = new GradientTape();
        var fakeOutput = Discriminator.Call(Generator.Call(latent, training: true), training: true);
        var gLoss = ganLoss.GeneratorLoss(fakeOutput);
        var variables = Generator.TrainableVariables;
        var grads = tape.Gradient(gLoss, variables);
        GeneratorOptimizer.ApplyGradients(grads, variables);
        return gLoss.item<float>();
    }

    /// <summary>Draws latent vectors <c>[n, latentDim]</c> from N(0, 1) with the model's generator, on the model's device.</summary>
    public torch.Tensor SampleLatent(long n)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(n);
        var z = torch.randn(new[] { n, LatentDim }, generator: random);
        return Device.type == DeviceType.CPU ? z : z.to(Device);
    }

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
            z = torch.randn(new long[] { n, LatentDim }, generator: generator).to(Device);
        }
        else
        {
            z = SampleLatent(n);
        }
        return GenerateFrom(z).MoveToOuterDisposeScope();
    }

    /// <summary>Runs the generator on given latent vectors in inference mode, without gradients.</summary>
    /// <returns>A new CPU tensor, owned by the caller's scope.</returns>
    public virtual torch.Tensor GenerateFrom(torch.Tensor latent)
    {
        ArgumentNullException.ThrowIfNull(latent);
        using var noGrad = torch.no_grad();
        using var output = Generator.Call(latent.to(Device), training: false);
        return output.cpu().detach().clone();
    }

    /// <summary>Saves both models' weights to one safetensors file, Keras-layout names (<c>generator.dense_0.kernel</c> <c>[in, out]</c>).</summary>
    public void SaveWeights(string path, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        SafeTensorsFile.Save(path, WeightTensors(), metadata);
    }

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

    /// <summary>Gets the live weight tensors of both models by saved name (<c>generator.*</c>, <c>discriminator.*</c>).</summary>
    public IReadOnlyDictionary<string, torch.Tensor> WeightTensors()
    {
        var weights = new Dictionary<string, torch.Tensor>();
        foreach (var (prefix, model) in new[] { ("generator", Generator), ("discriminator", Discriminator) })
            foreach (var (name, tensor) in model.state_dict())
                weights[$"{prefix}.{name}"] = tensor;
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
        Generator.Dispose();
        Discriminator.Dispose();
        random.Dispose();
    }

    /// <summary>Yields an epoch's batches, shuffled with the model's generator.</summary>
    protected virtual IEnumerable<Batch> EpochBatches(InMemoryDataset dataset, int batchSize, bool shuffle)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        return dataset.GetBatches(batchSize, shuffle, random, dropRemainder: true);
    }

    private void CheckDataShape(IReadOnlyList<long> elementShape)
    {
        var generated = Generator.OutputShape ?? Generator.ComputeOutputShape(new long[] { LatentDim });
        if (Discriminator.Built && !Shapes.Equal(Discriminator.InputShape!, elementShape))
            throw new IncompatibleInputException(
                $"The discriminator '{Discriminator.Name}' expects examples of shape {Shapes.FormatWithBatch(Discriminator.InputShape!)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}. " +
                "Flatten or reshape the data (or the discriminator's input) so they match.",
                Discriminator.InputShape!, elementShape);
        if (!Shapes.Equal(generated, elementShape))
            throw new IncompatibleInputException(
                $"The generator '{Generator.Name}' produces samples of shape {Shapes.FormatWithBatch(generated)}, but the dataset's examples have shape {Shapes.FormatWithBatch(elementShape)}. " +
                "Change the generator's output layer (or add a Reshape) to match the data.",
                elementShape, generated);
        if (!Discriminator.Built) Discriminator.Build(elementShape);
    }

    private static InvalidOperationException NotCompiled() => new("Call Compile() before Fit().");
}
