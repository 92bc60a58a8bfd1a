using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Callbacks;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// The loops of a single compiled model over tensors, as Keras's <c>fit</c> and <c>evaluate</c>: batches in (shuffled)
/// order, one <see cref="ModelCompilation.Step"/> each, the epoch's logs read once at its end.
/// </summary>
internal static class SupervisedFit
{
    /// <summary>Checks that inputs (and targets) are non-empty and share their first dimension; returns it.</summary>
    /// <exception cref="ArgumentException">They are empty or disagree.</exception>
    public static long CheckExamples(IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor>? y, int batchSize)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (x.Count == 0 || x.Any(t => t is null)) throw new ArgumentException("Pass at least one input tensor, none of them null.", nameof(x));
        if (y is not null && (y.Count == 0 || y.Any(t => t is null))) throw new ArgumentException("Pass one target tensor per output, none of them null.", nameof(y));
        var all = y is null ? x : x.Concat(y).ToArray();
        if (all.Any(t => t.dim() == 0)) throw new ArgumentException("Inputs and targets need a batch dimension; got a scalar.", nameof(x));
        long count = all[0].shape[0];
        if (all.Any(t => t.shape[0] != count))
            throw new ArgumentException($"Inputs and targets must have the same number of examples, but got {string.Join(", ", all.Select(t => t.shape[0]))}.", nameof(x));
        if (count == 0) throw new ArgumentException("Got 0 examples; pass at least one.", nameof(x));
        return count;
    }

    /// <summary>One weight tensor (or null) per output from Keras's <c>class_weight</c> and <c>sample_weight</c>; the two multiply when both are given.</summary>
    public static torch.Tensor?[] ExampleWeights(ModelCompilation compiled, IReadOnlyList<torch.Tensor> y, IReadOnlyList<IReadOnlyDictionary<int, double>?>? classWeight, IReadOnlyList<torch.Tensor?>? sampleWeight)
    {
        int outputs = compiled.Losses.Count;
        if (classWeight is not null && classWeight.Count != outputs)
            throw new ArgumentException($"Got {classWeight.Count} class_weight dictionaries for {outputs} outputs; pass one (or null) per output.", nameof(classWeight));
        if (sampleWeight is not null && sampleWeight.Count != outputs)
            throw new ArgumentException($"Got {sampleWeight.Count} sample weights for {outputs} outputs; pass one (or null) per output.", nameof(sampleWeight));
        var weights = new torch.Tensor?[outputs];
        for (int i = 0; i < outputs && i < y.Count; i++)
        {
            var byClass = classWeight?[i] is { } table ? ModelCompilation.ClassWeights(table, y[i]) : null;
            var byExample = sampleWeight?[i];
            weights[i] = byClass is null ? byExample : byExample is null ? byClass : byClass * byExample.to(byClass.dtype, byClass.device).reshape(-1);
        }
        return weights;
    }

    /// <summary>Keras's <c>evaluate</c>: the mean of each loss over all examples (weighted by batch size) and the metrics over the whole set.</summary>
    public static IReadOnlyDictionary<string, double> Evaluate(Model model, ModelCompilation compiled, IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y, int batchSize)
    {
        long count = CheckExamples(x, y, batchSize);
        compiled.ResetMetrics();
        using var scope = torch.NewDisposeScope();
        torch.Tensor? total = null;
        torch.Tensor[]? perOutput = null;
        for (long start = 0; start < count; start += batchSize)
        {
            long length = Math.Min(batchSize, count - start);
            var (batchTotal, batchOutputs) = compiled.Step(Slice(x, start, length), Slice(y, start, length), new torch.Tensor?[compiled.Losses.Count], update: false);
            AddBatch(ref total, ref perOutput, batchTotal, batchOutputs, length);
        }
        return compiled.MetricsNames.Zip(MeanLogs(compiled, total!, perOutput!, count)).ToDictionary(p => p.First, p => p.Second);
    }

    /// <summary>Keras's <c>fit</c> on tensors; returns the history of the epochs' logs.</summary>
    public static History Run(Model model, ModelCompilation compiled, IReadOnlyList<torch.Tensor> x, IReadOnlyList<torch.Tensor> y, int epochs, int batchSize, bool shuffle,
        (IReadOnlyList<torch.Tensor> X, IReadOnlyList<torch.Tensor> Y)? validationData, FitVerbosity verbose)
    {
        long count = CheckExamples(x, y, batchSize);
        ArgumentOutOfRangeException.ThrowIfLessThan(epochs, 1);
        if (validationData is { } validation) CheckExamples(validation.X, validation.Y, batchSize);
        var history = new History();
        var noWeights = new torch.Tensor?[compiled.Losses.Count];
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            var clock = Stopwatch.StartNew();
            compiled.ResetMetrics();
            var logs = new Dictionary<string, double>();
            using (var scope = torch.NewDisposeScope())
            {
                var order = shuffle ? torch.randperm(count, device: x[0].device) : null;
                torch.Tensor? total = null;
                torch.Tensor[]? perOutput = null;
                for (long start = 0; start < count; start += batchSize)
                {
                    long length = Math.Min(batchSize, count - start);
                    using var batchScope = torch.NewDisposeScope();
                    var rows = order?.narrow(0, start, length);
                    var (batchTotal, batchOutputs) = compiled.Step(Take(x, rows, start, length), Take(y, rows, start, length), noWeights, update: true);
                    // Running sums stay on the device: read once at the epoch's end.
                    AddBatch(ref total, ref perOutput, batchTotal, batchOutputs, length);
                    total.MoveToOuterDisposeScope();
                    foreach (var sum in perOutput) sum.MoveToOuterDisposeScope();
                }
                foreach (var (name, value) in compiled.MetricsNames.Zip(MeanLogs(compiled, total!, perOutput!, count))) logs[name] = value;
            }
            if (validationData is { } v)
                foreach (var (name, value) in Evaluate(model, compiled, v.X, v.Y, batchSize)) logs["val_" + name] = value;
            history.OnEpochEnd(epoch, logs);
            if (verbose != FitVerbosity.Silent)
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{epochs} - {clock.Elapsed.TotalSeconds:F1}s - {ProgbarLogger.FormatLogs(logs)}"));
        }
        return history;
    }

    /// <summary>Adds a batch's losses, weighted by its size, to the running sums (created at the first batch).</summary>
    private static void AddBatch([System.Diagnostics.CodeAnalysis.NotNull] ref torch.Tensor? total, [System.Diagnostics.CodeAnalysis.NotNull] ref torch.Tensor[]? perOutput, torch.Tensor batchTotal, torch.Tensor[] batchOutputs, long length)
    {
        total = total is null ? batchTotal * length : total + batchTotal * length;
        perOutput = perOutput is null ? batchOutputs.Select(l => l * length).ToArray() : perOutput.Zip(batchOutputs, (sum, l) => sum + l * length).ToArray();
    }

    /// <summary>The means over <paramref name="count"/> examples of the summed losses, with the metrics, in one host read.</summary>
    private static double[] MeanLogs(ModelCompilation compiled, torch.Tensor total, torch.Tensor[] perOutput, long count) =>
        compiled.ReadLogs(total / count, perOutput.Select(l => l / count).ToArray());

    private static torch.Tensor[] Slice(IReadOnlyList<torch.Tensor> tensors, long start, long length) => tensors.Select(t => t.narrow(0, start, length)).ToArray();

    private static torch.Tensor[] Take(IReadOnlyList<torch.Tensor> tensors, torch.Tensor? rows, long start, long length) =>
        rows is null ? Slice(tensors, start, length) : tensors.Select(t => t.index_select(0, rows.to(t.device))).ToArray();
}
