using System.Globalization;
using Gan.Keras.Cli.Training;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Cli.Serving;

/// <summary>Serves a run's checkpoint with Gan.Keras itself (<see cref="GanModel.GenerateFrom"/>, libtorch).</summary>
/// <remarks>One generator call at a time: <see cref="GanModel"/> swaps its averaged weights in for each call, so calls must not overlap.</remarks>
internal sealed class CheckpointSampleSource : ISampleSource
{
    private readonly SavedRun run;
    private readonly Lock gate = new();

    /// <summary>Initializes a new instance of the <see cref="CheckpointSampleSource"/> class; it owns <paramref name="run"/>.</summary>
    public CheckpointSampleSource(SavedRun run)
    {
        this.run = run;
        Modes = RunFactory.ModesFor(run.Options.Data);
        Description = string.Create(CultureInfo.InvariantCulture,
            $"{run.CheckpointFile} (epoch {run.Entry.Epoch}, model {run.Model}, data {run.Options.Data}; Gan.Keras on libtorch{(run.Gan.GeneratorEmaWeights.Count > 0 ? ", EMA weights" : string.Empty)})");
    }

    /// <inheritdoc />
    public int LatentDim => run.Gan.LatentDim;

    /// <inheritdoc />
    public int? NumClasses => run.Gan is ConditionalGanModel conditional ? conditional.NumClasses : null;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape => run.SampleShape;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public double[,]? Modes { get; }

    /// <inheritdoc />
    public torch.Tensor Generate(torch.Tensor latent, torch.Tensor? labels)
    {
        lock (gate)
        {
            return run.Gan is ConditionalGanModel conditional
                ? conditional.GenerateFrom(latent, labels ?? throw new ArgumentNullException(nameof(labels)))
                : run.Gan.GenerateFrom(latent);
        }
    }

    /// <inheritdoc />
    public void Dispose() => run.Dispose();
}
