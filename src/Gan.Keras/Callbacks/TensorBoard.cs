using Gan.Keras.Export.Images;
using Gan.Keras.Export.TensorBoard;
using Gan.Keras.Training;
using TorchSharp;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Writes real TensorBoard event files, as Keras's <c>TensorBoard</c> callback: scalars per step
/// (<c>batch_d_loss</c>, ...) and per epoch (<c>epoch_d_loss</c>, ...), and, given fixed noise, the generator's samples
/// as an image summary (<c>samples</c>) each epoch. View with <c>tensorboard --logdir DIR</c>.
/// </summary>
public sealed class TensorBoard : Callback, IDisposable
{
    private readonly string logDirectory;
    private readonly int updateFrequency;
    private readonly torch.Tensor? noise;
    private readonly double[,]? modes;
    private TensorBoardEventWriter? writer;
    private long step;
    private long stepsPerEpoch;
    private readonly List<(long Step, IReadOnlyList<string> Names, torch.Tensor Values)> pending = new();

    /// <summary>Initializes a new instance of the <see cref="TensorBoard"/> class.</summary>
    /// <param name="logDirectory">The log folder; events go to its <c>train</c> subfolder, as Keras writes them.</param>
    /// <param name="updateFrequency">Write step scalars every this many steps; 0 writes epoch scalars only.</param>
    /// <param name="fixedNoise">Fixed noise to render as an image summary each epoch, or null for no images. The callback keeps its own copy.</param>
    /// <param name="modes">For 2-D data: the true modes drawn under the samples.</param>
    public TensorBoard(string logDirectory, int updateFrequency = 1, torch.Tensor? fixedNoise = null, double[,]? modes = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(logDirectory);
        ArgumentOutOfRangeException.ThrowIfNegative(updateFrequency);
        this.logDirectory = logDirectory;
        this.updateFrequency = updateFrequency;
        // The noise lives for the whole run: detached from any dispose scope on purpose.
        noise = fixedNoise?.detach().cpu().clone().DetachFromDisposeScope();
        this.modes = modes;
    }

    /// <summary>Gets the event file written by the latest run, or null before training starts.</summary>
    public string? EventFilePath { get; private set; }

    /// <inheritdoc />
    public override void OnTrainBegin(ITrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        writer?.Dispose();
        writer = new TensorBoardEventWriter(Path.Combine(logDirectory, "train"));
        EventFilePath = writer.Path;
        stepsPerEpoch = context.StepsPerEpoch;
        step = context.InitialEpoch * context.StepsPerEpoch;
    }

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        step++;
        if (writer is null || updateFrequency == 0 || step % updateFrequency != 0) return;
        // Kept on the device and written at the epoch's end: one host read per epoch instead of one per step.
        pending.Add((step, logs.Names, logs.StepValues.detach().clone().DetachFromDisposeScope()));
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (writer is null) return;
        WritePendingSteps();
        step = (epoch + 1) * stepsPerEpoch;
        foreach (var (key, value) in logs) writer.WriteScalar("epoch_" + key, value, epoch);
        if (noise is not null && Context is not null)
            using (TorchSharp.torch.NewDisposeScope())
                writer.WriteImage("samples", SamplePicture.Render(Context.Generate(noise), modes, range: Context.OutputRange), epoch);
        writer.Flush();
    }

    /// <inheritdoc />
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs)
    {
        WritePendingSteps();
        writer?.Flush();
    }

    private void WritePendingSteps()
    {
        if (pending.Count == 0 || writer is null) return;
        using var scope = torch.NewDisposeScope();
        var all = HostReads.Read(torch.cat(pending.Select(p => p.Values).ToArray()));
        int offset = 0;
        foreach (var (at, names, values) in pending)
        {
            for (int i = 0; i < names.Count; i++) writer.WriteScalar("batch_" + names[i], all[offset + i], at);
            offset += names.Count;
            values.Dispose();
        }
        pending.Clear();
    }

    /// <summary>Closes the event file and releases the noise.</summary>
    public void Dispose()
    {
        foreach (var (_, _, values) in pending) values.Dispose();
        pending.Clear();
        writer?.Dispose();
        writer = null;
        noise?.Dispose();
    }
}
