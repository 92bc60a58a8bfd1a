using Gan.Keras.Callbacks;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// Ctrl+C during training: the first press lets the current epoch finish (so its checkpoint is written) and then
/// stops; a second press ends the process at once (the last checkpoint on disk stays intact: writes are atomic).
/// Must come last among the callbacks, after <see cref="ModelCheckpoint"/>.
/// </summary>
internal sealed class StopOnInterrupt : Callback, IDisposable
{
    private readonly Action<string> say;
    private readonly bool announce;
    private volatile bool requested;
    private bool announced;

    /// <param name="say">Prints a line; called on the training thread only (the live display is not thread-safe).</param>
    /// <param name="announce">Whether to say that the run will stop after this epoch.</param>
    public StopOnInterrupt(Action<string> say, bool announce)
    {
        this.say = say;
        this.announce = announce;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Gets a value indicating whether Ctrl+C was pressed.</summary>
    public bool Requested => requested;

    public override void OnBatchEnd(int batch, BatchLogs logs) => Announce();

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        Announce();
        if (requested && Context is not null) Context.StopTraining = true;
    }

    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;

    private void Announce()
    {
        if (!requested || announced) return;
        announced = true;
        if (announce) say("Ctrl+C: finishing this epoch and saving its checkpoint (press Ctrl+C again to stop at once).");
    }

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (requested)
        {
            // Second Ctrl+C: the process ends now. Show the cursor again that the live display had hidden.
            if (!Console.IsOutputRedirected) Console.Out.Write("\u001b[?25h\n");
            return;
        }
        requested = true;
        e.Cancel = true;
    }
}
