using System.Globalization;
using Gan.Keras.Cli.Training;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Cli.Serving;

/// <summary>Serves a run's checkpoint with Gan.Keras itself (<see cref="GanModel.GenerateFrom"/>, libtorch).</summary>
/// <remarks>One generator call at a time: <see cref="GanModel"/> swaps its averaged weights in for each call, so calls must not overlap.</remarks>
internal sealed class CheckpointSampleSource : ISampleSource
{
    private readonly GanModel gan;
    private readonly IDisposable owner;
    private readonly Lock gate = new();

    /// <summary>Initializes a new instance of the <see cref="CheckpointSampleSource"/> class.</summary>
    /// <param name="gan">The GAN whose generator is served.</param>
    /// <param name="description">What is served, in one line.</param>
    /// <param name="modes">The true modes of 2-D data, or null.</param>
    /// <param name="owner">What to dispose with the source (the run, or the GAN itself).</param>
    public CheckpointSampleSource(GanModel gan, string description, double[,]? modes, IDisposable owner)
    {
        this.gan = gan;
        this.owner = owner;
        Description = description;
        Modes = modes;
        SampleShape = gan.Generator.OutputShape!.ToArray();
    }

    /// <summary>Serves a saved run's checkpoint; the source owns <paramref name="run"/>.</summary>
    public static CheckpointSampleSource FromRun(SavedRun run)
    {
        ArgumentNullException.ThrowIfNull(run);
        string data = run.Configuration is { } configuration ? $", data {configuration.Data}" : string.Empty;
        string description = string.Create(CultureInfo.InvariantCulture,
            $"{DisplayPath.Of(run.File)} ({(run.Saved.Epoch is { } epoch ? $"epoch {epoch}, " : string.Empty)}model {run.ModelName}{data}; Gan.Keras on libtorch{(run.Gan.GeneratorEmaWeights.Count > 0 ? ", EMA weights" : string.Empty)})");
        return new CheckpointSampleSource(run.Gan, description, run.Configuration?.TrueModes(), run);
    }

    /// <inheritdoc />
    public int LatentDim => gan.LatentDim;

    /// <inheritdoc />
    public (double Low, double High) OutputRange => gan.OutputRange;

    /// <inheritdoc />
    public int? NumClasses => gan.NumClasses > 0 ? gan.NumClasses : null;

    /// <inheritdoc />
    public IReadOnlyList<long> SampleShape { get; }

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public double[,]? Modes { get; }

    /// <inheritdoc />
    public torch.Tensor Generate(torch.Tensor latent, torch.Tensor? labels)
    {
        lock (gate)
        {
            return gan.GenerateFrom(latent, labels);
        }
    }

    /// <inheritdoc />
    public void Dispose() => owner.Dispose();
}
