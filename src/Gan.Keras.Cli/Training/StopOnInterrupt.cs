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

    public StopOnInterrupt(Action<string> say, bool announce)
    {
        this.say = say;
        this.announce = announce;
        Console.CancelKeyPress += OnCancelKeyPress;
    }

    /// <summary>Gets a value indicating whether Ctrl+C was pressed.</summary>
    public bool Requested => requested;

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (requested && Model is not null) Model.StopTraining = true;
    }

    public void Dispose() => Console.CancelKeyPress -= OnCancelKeyPress;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        if (requested) return; // second Ctrl+C: let the process end now
        requested = true;
        e.Cancel = true;
        if (announce) say("Ctrl+C: finishing this epoch and saving its checkpoint (press Ctrl+C again to stop at once).");
    }
}
