using Gan.Keras.Callbacks;
using Gan.Keras.Losses;
using Gan.Keras.Metrics;
using Gan.Keras.Optimizers;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Models;

/// <summary>
/// Keras's single-model training (<c>compile</c>, <c>train_on_batch</c>, <c>test_on_batch</c>, <c>predict</c>,
/// <c>evaluate</c>, <c>fit</c>) for a classifier, an encoder, or a discriminator trained by hand. The step lives in
/// <see cref="ModelCompilation"/>, the loop in <see cref="SupervisedFit"/>.
/// </summary>
public abstract partial class Model
{
    private ModelCompilation? compilation;

    /// <summary>Gets the names of the values <see cref="TrainOnBatch(torch.Tensor, torch.Tensor, IReadOnlyDictionary{int, double}?, torch.Tensor?)"/> returns, as Keras's <c>metrics_names</c>.</summary>
    /// <exception cref="InvalidOperationException">The model is not compiled.</exception>
    public IReadOnlyList<string> MetricsNames => Compiled.MetricsNames;

    /// <summary>Gets a value indicating whether <c>Compile</c> was called.</summary>
    public bool IsCompiled => compilation is not null;

    /// <summary>Gets the optimizer given to <c>Compile</c>, or null before.</summary>
    public Optimizer? Optimizer => compilation?.Optimizer;

    /// <summary>Gets the compile settings and state, or null before <c>Compile</c> (what a saved model records).</summary>
    internal ModelCompilation? Compilation => compilation;

    private ModelCompilation Compiled => compilation
        ?? throw new InvalidOperationException($"Model '{Name}' is not compiled; call Compile(optimizer, loss) first.");

    /// <summary>Configures the model for training with one loss for every output, as Keras's <c>compile(optimizer, loss, metrics)</c>.</summary>
    /// <param name="optimizer">The optimizer; one per compiled model.</param>
    /// <param name="loss">The loss of every output.</param>
    /// <param name="metrics">Metrics to report (<c>["accuracy"]</c>), made for every output.</param>
    public void Compile(Optimizer optimizer, Loss loss, IReadOnlyList<MetricSpec>? metrics = null) =>
        Compile(optimizer, new[] { loss ?? throw new ArgumentNullException(nameof(loss)) }, metrics);

    /// <summary>
    /// Configures the model for training, as Keras's <c>compile(optimizer, loss, metrics, loss_weights)</c>. The weights
    /// trainable now are the ones training updates, until the next <c>Compile</c>: freezing a network
    /// (<see cref="Layers.Layer.Trainable"/> = false) after compiling it and before compiling a combined model that holds
    /// it trains it alone through its own <c>TrainOnBatch</c> and the rest through the combined model's, as the Keras
    /// GAN examples do.
    /// </summary>
    /// <param name="optimizer">The optimizer; one per compiled model (a second model is refused, as in Keras 3).</param>
    /// <param name="losses">One loss for all outputs, or one per output.</param>
    /// <param name="metrics">Metrics to report (<c>["accuracy"]</c>), made for every output.</param>
    /// <param name="lossWeights">One weight per output in the total loss (1 each by default).</param>
    /// <exception cref="ArgumentException">The losses or weights do not match the outputs, or the optimizer serves another model.</exception>
    /// <exception cref="InvalidOperationException">The model is not built.</exception>
    public void Compile(Optimizer optimizer, IReadOnlyList<Loss> losses, IReadOnlyList<MetricSpec>? metrics = null, IReadOnlyList<double>? lossWeights = null)
    {
        var compiled = ModelCompilation.Create(this, optimizer, losses, metrics, lossWeights);
        compilation?.Dispose();
        compilation = compiled;
    }

    /// <summary>Runs one gradient update on one batch, as Keras's <c>train_on_batch</c>, and returns the batch's values named by <see cref="MetricsNames"/>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets.</param>
    /// <param name="classWeight">A weight per class index, multiplying each example's loss (Keras's <c>class_weight</c>).</param>
    /// <param name="sampleWeight">A weight per example (<c>[batch]</c>).</param>
    public IReadOnlyList<double> TrainOnBatch(torch.Tensor x, torch.Tensor y, IReadOnlyDictionary<int, double>? classWeight = null, torch.Tensor? sampleWeight = null) =>
        TrainOnBatch(new[] { x }, new[] { y }, classWeight is null ? null : new[] { classWeight }, sampleWeight is null ? null : new[] { sampleWeight });

    /// <summary>Runs one gradient update on one batch of a model with several inputs or outputs, as Keras's <c>train_on_batch</c>.</summary>
    /// <param name="x">The inputs, in the order of the model's inputs.</param>
    /// <param name="y">The targets, one per output.</param>
    /// <param name="classWeight">Per output, a weight per class index, or null (Keras's list of <c>class_weight</c> dictionaries).</param>
    /// <param name="sampleWeight">Per output, a weight per example, or null.</param>
    public IReadOnlyList<double> TrainOnBatch(IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y, IReadOnlyList<IReadOnlyDictionary<int, double>?>? classWeight = null, IReadOnlyList<torch.Tensor?>? sampleWeight = null) =>
        OnBatch(x, y, classWeight, sampleWeight, update: true);

    /// <summary>Computes the losses and metrics of one batch without updating, as Keras's <c>test_on_batch</c> (inference mode).</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets.</param>
    public IReadOnlyList<double> TestOnBatch(torch.Tensor x, torch.Tensor y) => TestOnBatch(new[] { x }, new[] { y });

    /// <summary>Computes the losses and metrics of one batch of a model with several inputs or outputs without updating.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets, one per output.</param>
    public IReadOnlyList<double> TestOnBatch(IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y) => OnBatch(x, y, null, null, update: false);

    /// <summary>Computes the model's output in inference mode, batch by batch, as Keras's <c>predict</c>.</summary>
    /// <param name="x">The inputs, <c>[n, ...]</c>.</param>
    /// <param name="batchSize">Examples per call.</param>
    /// <exception cref="InvalidOperationException">The model has several outputs; use <see cref="PredictOutputs"/>.</exception>
    public torch.Tensor Predict(torch.Tensor x, int batchSize = 32)
    {
        var outputs = PredictOutputs(new[] { x ?? throw new ArgumentNullException(nameof(x)) }, batchSize);
        if (outputs.Count == 1) return outputs[0];
        foreach (var output in outputs) output.Dispose();
        throw new InvalidOperationException($"Model '{Name}' has {outputs.Count} outputs; use PredictOutputs.");
    }

    /// <summary>Computes every output in inference mode, batch by batch, as Keras's <c>predict</c> on a model with several inputs or outputs.</summary>
    /// <param name="x">The inputs, each <c>[n, ...]</c>.</param>
    /// <param name="batchSize">Examples per call.</param>
    public IReadOnlyList<torch.Tensor> PredictOutputs(IReadOnlyList<torch.Tensor> x, int batchSize = 32)
    {
        long count = SupervisedFit.CheckExamples(x, null, batchSize);
        using var scope = torch.NewDisposeScope();
        using var noGrad = torch.no_grad();
        var batches = new List<IReadOnlyList<torch.Tensor>>();
        for (long start = 0; start < count; start += batchSize)
        {
            long length = Math.Min(batchSize, count - start);
            batches.Add(CallOutputs(x.Select(t => t.narrow(0, start, length)).ToArray(), training: false));
        }
        return Enumerable.Range(0, batches[0].Count).Select(i => torch.cat(batches.Select(b => b[i]).ToArray()).MoveToOuterDisposeScope()).ToArray();
    }

    /// <summary>Computes the losses and metrics over a whole set in inference mode, batch by batch, as Keras's <c>evaluate(return_dict=True)</c>.</summary>
    /// <param name="x">The inputs, <c>[n, ...]</c>.</param>
    /// <param name="y">The targets.</param>
    /// <param name="batchSize">Examples per call.</param>
    public IReadOnlyDictionary<string, double> Evaluate(torch.Tensor x, torch.Tensor y, int batchSize = 32) =>
        Evaluate(new[] { x }, new[] { y }, batchSize);

    /// <summary>Computes the losses and metrics over a whole set of a model with several inputs or outputs.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets, one per output.</param>
    /// <param name="batchSize">Examples per call.</param>
    public IReadOnlyDictionary<string, double> Evaluate(IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y, int batchSize = 32) =>
        SupervisedFit.Evaluate(this, Compiled, x, y, batchSize);

    /// <summary>
    /// Trains the model on tensors for a number of epochs, as Keras's <c>fit(x, y, batch_size, epochs, validation_data)</c>:
    /// each epoch visits every example once (shuffled by libtorch's generator, which <see cref="RandomSeed.Set"/> seeds);
    /// the logs hold the mean loss and metrics over the epoch, and <c>val_</c> ones on <paramref name="validationData"/>.
    /// </summary>
    /// <param name="x">The inputs, <c>[n, ...]</c>.</param>
    /// <param name="y">The targets.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="batchSize">Examples per update; the last batch of an epoch may be smaller.</param>
    /// <param name="shuffle">Whether to visit examples in a new random order each epoch.</param>
    /// <param name="validationData">Inputs and targets evaluated at the end of each epoch, or null.</param>
    /// <param name="verbose">Whether to print one line per epoch (<see cref="FitVerbosity.Silent"/> prints nothing).</param>
    public History Fit(torch.Tensor x, torch.Tensor y, int epochs = 1, int batchSize = 32, bool shuffle = true, (torch.Tensor X, torch.Tensor Y)? validationData = null, FitVerbosity verbose = FitVerbosity.Auto) =>
        Fit(new[] { x }, new[] { y }, epochs, batchSize, shuffle,
            validationData is { } v ? (new[] { v.X }, new[] { v.Y }) : null, verbose);

    /// <summary>Trains a model with several inputs or outputs on tensors, as Keras's <c>fit</c>.</summary>
    /// <param name="x">The inputs.</param>
    /// <param name="y">The targets, one per output.</param>
    /// <param name="epochs">Passes over the data.</param>
    /// <param name="batchSize">Examples per update.</param>
    /// <param name="shuffle">Whether to visit examples in a new random order each epoch.</param>
    /// <param name="validationData">Inputs and targets evaluated at the end of each epoch, or null.</param>
    /// <param name="verbose">Whether to print one line per epoch.</param>
    public History Fit(IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y, int epochs = 1, int batchSize = 32, bool shuffle = true, (IReadOnlyList<torch.Tensor> X, IReadOnlyList<torch.Tensor> Y)? validationData = null, FitVerbosity verbose = FitVerbosity.Auto) =>
        SupervisedFit.Run(this, Compiled, x, y, epochs, batchSize, shuffle, validationData, verbose);

    private double[] OnBatch(IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y, IReadOnlyList<IReadOnlyDictionary<int, double>?>? classWeight, IReadOnlyList<torch.Tensor?>? sampleWeight, bool update)
    {
        var compiled = Compiled;
        SupervisedFit.CheckExamples(x, y, 1);
        using var scope = torch.NewDisposeScope();
        var weights = SupervisedFit.ExampleWeights(compiled, y, classWeight, sampleWeight);
        compiled.ResetMetrics(); // the batch's own values, as Keras's train_on_batch(reset_metrics=True)
        var (total, perOutput) = compiled.Step(x, y, weights, update);
        return compiled.ReadLogs(total, perOutput);
    }
}
