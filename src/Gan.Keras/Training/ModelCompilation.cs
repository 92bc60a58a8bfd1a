using System.Runtime.CompilerServices;
using Gan.Keras.Internal;
using Gan.Keras.Losses;
using Gan.Keras.Metrics;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// What <see cref="Model.Compile(Optimizer, IReadOnlyList{Loss}, IReadOnlyList{MetricSpec}?, IReadOnlyList{double}?)"/>
/// fixed for a single model: its optimizer, a loss, weight and metrics per output, and the trainable flags of that
/// moment; and the one training or test step on a batch (Keras's <c>train_step</c> / <c>test_step</c>).
/// </summary>
internal sealed class ModelCompilation : IDisposable
{
    // Which model each optimizer serves: its state follows one list of variables (Optimizer's remarks), so a second
    // model is refused as Keras 3 refuses it, rather than mixing two models' moments.
    private static readonly ConditionalWeakTable<Optimizer, Model> Owners = new();

    private readonly Model model;
    private readonly TrainableSnapshot trainable;

    private ModelCompilation(Model model, Optimizer optimizer, IReadOnlyList<Loss> losses, IReadOnlyList<double> lossWeights, IReadOnlyList<MetricSpec> metricSpecs, IReadOnlyList<IReadOnlyList<MeanMetricWrapper>> metrics, IReadOnlyList<string> outputNames)
    {
        this.model = model;
        MetricSpecs = metricSpecs;
        Optimizer = optimizer;
        Losses = losses;
        LossWeights = lossWeights;
        Metrics = metrics;
        trainable = TrainableSnapshot.Capture(model);
        var names = new List<string> { "loss" };
        if (losses.Count > 1) names.AddRange(outputNames.Select(n => $"{n}_loss"));
        for (int i = 0; i < metrics.Count; i++)
            names.AddRange(metrics[i].Select(m => losses.Count > 1 ? $"{outputNames[i]}_{m.Name}" : m.Name));
        MetricsNames = names;
    }

    /// <summary>Gets the optimizer.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>Gets one loss per output.</summary>
    public IReadOnlyList<Loss> Losses { get; }

    /// <summary>Gets one weight per output.</summary>
    public IReadOnlyList<double> LossWeights { get; }

    /// <summary>Gets the metrics as <c>Compile</c> was given them (names or objects), which a saved model records.</summary>
    public IReadOnlyList<MetricSpec> MetricSpecs { get; }

    /// <summary>Gets the metrics of each output.</summary>
    public IReadOnlyList<IReadOnlyList<MeanMetricWrapper>> Metrics { get; }

    /// <summary>Gets the names of the values a step reports, in Keras's order: loss, each output's loss (several outputs), each output's metrics.</summary>
    public IReadOnlyList<string> MetricsNames { get; }

    /// <summary>Checks the arguments of <c>Compile</c> against the model and fixes them.</summary>
    public static ModelCompilation Create(Model model, Optimizer optimizer, IReadOnlyList<Loss> losses, IReadOnlyList<MetricSpec>? metrics, IReadOnlyList<double>? lossWeights)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(losses);
        if (!model.Built)
            throw new InvalidOperationException($"Model '{model.Name}' is not built; build it (call it on Keras.Input, or Build(inputShape)) before Compile, so the optimizer sees its weights.");
        int outputs = model.OutputShapes!.Count;
        if (losses.Count != 1 && losses.Count != outputs)
            throw new ArgumentException($"Model '{model.Name}' has {outputs} outputs but Compile got {losses.Count} losses; pass one loss for all outputs or one per output.", nameof(losses));
        if (losses.Any(l => l is null)) throw new ArgumentException("A loss is null; pass a Loss for every output.", nameof(losses));
        var perOutput = losses.Count == 1 ? Enumerable.Repeat(losses[0], outputs).ToArray() : losses.ToArray();
        var weights = lossWeights?.ToArray() ?? Enumerable.Repeat(1.0, outputs).ToArray();
        if (weights.Length != outputs)
            throw new ArgumentException($"Model '{model.Name}' has {outputs} outputs but Compile got {weights.Length} loss weights; pass one per output.", nameof(lossWeights));
        if (weights.Any(w => !double.IsFinite(w))) throw new ArgumentException("Loss weights must be finite numbers.", nameof(lossWeights));
        var specs = metrics ?? Array.Empty<MetricSpec>();
        if (outputs > 1 && specs.Any(s => s.Metric is not null))
            throw new ArgumentException($"Model '{model.Name}' has {outputs} outputs: a metric object can serve only one; pass metric names (\"accuracy\"), which make a metric per output.", nameof(metrics));
        var outputMetrics = Enumerable.Range(0, outputs)
            .Select(i => (IReadOnlyList<MeanMetricWrapper>)specs.Select(s => s.Create(perOutput[i], model.OutputShapes[i].Count > 0 ? model.OutputShapes[i][^1] : null)).ToArray())
            .ToArray();
        lock (Owners)
        {
            if (Owners.TryGetValue(optimizer, out var owner) && !ReferenceEquals(owner, model))
                throw new ArgumentException($"This {optimizer.GetType().Name} already serves model '{owner.Name}'; give each compiled model its own optimizer (Keras 3 refuses a shared one too).", nameof(optimizer));
            Owners.AddOrUpdate(optimizer, model);
        }
        // mixed_float16: dynamic loss scaling, as Keras's compile wraps the optimizer in a LossScaleOptimizer.
        MixedPrecision.ConfigureLossScale(model, optimizer);
        return new ModelCompilation(model, optimizer, perOutput, weights, specs.ToArray(), outputMetrics, OutputNames(model, outputs));
    }

    /// <summary>
    /// One step on a batch: the outputs in training mode, the weighted losses, the metrics updated; with
    /// <paramref name="update"/> the gradient of the total loss applied to the variables trainable at compile time.
    /// Returns the total loss and each output's loss, detached, without reading the device.
    /// </summary>
    public (torch.Tensor Total, torch.Tensor[] PerOutput) Step(IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y, IReadOnlyList<torch.Tensor?> sampleWeights, bool update)
    {
        if (y.Count != Losses.Count)
            throw new ArgumentException($"Model '{model.Name}' has {Losses.Count} outputs but got {y.Count} targets; pass one target per output.", nameof(y));
        using var flags = trainable.Apply();
        using var scope = torch.NewDisposeScope();
        using var tape = update ? new GradientTape() : null;
        using var noGrad = update ? null : torch.no_grad();
        var outputs = model.CallOutputs(x, training: update).Select(MixedPrecision.ToLossDtype).ToArray();
        var perOutput = new torch.Tensor[outputs.Length];
        torch.Tensor? total = null;
        for (int i = 0; i < outputs.Length; i++)
        {
            perOutput[i] = Losses[i].Call(y[i], outputs[i], sampleWeights[i]);
            var weighted = LossWeights[i] == 1 ? perOutput[i] : perOutput[i] * LossWeights[i];
            total = total is null ? weighted : total + weighted;
            foreach (var metric in Metrics[i]) metric.UpdateState(y[i], outputs[i]);
        }
        if (update)
        {
            var variables = model.TrainableVariables;
            if (variables.Count > 0)
            {
                var grads = tape!.Gradient(MixedPrecision.ScaledForGradient(total!, Optimizer), variables);
                Optimizer.ApplyGradients(grads, variables);
            }
        }
        return (total!.detach().MoveToOuterDisposeScope(), perOutput.Select(l => l.detach().MoveToOuterDisposeScope()).ToArray());
    }

    /// <summary>Gets every layer's trainable flag at compile time (<see cref="TrainableSnapshot.Values"/>), which a saved model records.</summary>
    public IReadOnlyList<bool> TrainableAtCompile => trainable.Values;

    /// <summary>Gets the variables the optimizer updates: those trainable at compile time, in the model's order (its state follows them by position).</summary>
    public IReadOnlyList<TorchSharp.Modules.Parameter> OptimizerVariables()
    {
        using var flags = trainable.Apply();
        return model.TrainableVariables.ToArray();
    }

    /// <summary>Turns Keras's <c>class_weight</c> (a weight per class index) into one weight per example of <paramref name="target"/>.</summary>
    /// <exception cref="ArgumentException">A class of the batch has no weight.</exception>
    public static torch.Tensor ClassWeights(IReadOnlyDictionary<int, double> classWeight, torch.Tensor target)
    {
        using var scope = torch.NewDisposeScope();
        // Class indices: one-hot rows by argmax, labels (and 0/1 targets) as they are. A host read: train_on_batch returns numbers anyway.
        var classes = target.dim() >= 2 && target.shape[^1] > 1 ? target.argmax(-1) : target.reshape(target.shape[0], -1)[.., 0].to(torch.float64).round();
        double[] indices = HostReads.Read(classes.reshape(-1));
        var weights = new float[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if (!classWeight.TryGetValue((int)indices[i], out double weight))
                throw new ArgumentException($"class_weight has no weight for class {indices[i]}, which the batch holds; give every class a weight.", nameof(classWeight));
            weights[i] = (float)weight;
        }
        return torch.tensor(weights, device: target.device).MoveToOuterDisposeScope();
    }

    /// <summary>Sets every metric's state back to zero.</summary>
    public void ResetMetrics()
    {
        foreach (var metric in Metrics.SelectMany(m => m)) metric.ResetState();
    }

    /// <summary>
    /// Reads the losses of a step and every metric's result in one host read, in <see cref="MetricsNames"/>'s order: the
    /// total loss, each output's loss (several outputs), each output's metrics.
    /// </summary>
    public double[] ReadLogs(torch.Tensor total, IReadOnlyList<torch.Tensor> perOutput)
    {
        using var scope = torch.NewDisposeScope();
        var values = new List<torch.Tensor> { total.to(torch.float32) };
        if (perOutput.Count > 1) values.AddRange(perOutput.Select(l => l.to(torch.float32)));
        values.AddRange(Metrics.SelectMany(m => m).Select(metric => metric.Result().to(total.device)));
        return HostReads.Read(torch.stack(values.Select(v => v.reshape(Array.Empty<long>())).ToArray()));
    }

    /// <summary>Releases the metrics' state.</summary>
    public void Dispose()
    {
        foreach (var metric in Metrics.SelectMany(m => m).Distinct()) metric.Dispose();
    }

    private static string[] OutputNames(Model model, int outputs) =>
        model is Functional functional ? functional.Outputs.Select(o => o.Layer.Name).ToArray()
        : Enumerable.Range(1, outputs).Select(i => $"output_{i}").ToArray();
}
