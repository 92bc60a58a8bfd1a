using Gan.Keras.Training;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Prints training progress, as Keras's <c>ProgbarLogger</c>: on a terminal a progress bar redrawn in place (steps/s,
/// ETA, the current losses and scores); otherwise, and in CI logs, exactly one plain line per epoch.
/// </summary>
public sealed class ProgbarLogger : Callback
{
    private const int BarWidth = 24;
    private static readonly TimeSpan RedrawInterval = TimeSpan.FromMilliseconds(100);
    private readonly TextWriter writer;
    private readonly bool interactive;
    private readonly Stopwatch epochClock = new();
    private TimeSpan lastDraw;
    private ITrainingContext? context;
    private int epoch;
    private long stepsDone;

    /// <summary>Initializes a new instance of the <see cref="ProgbarLogger"/> class.</summary>
    /// <param name="writer">Where to print; standard output by default.</param>
    /// <param name="interactive">Whether to redraw a progress bar in place; by default, when printing to standard output that is not redirected.</param>
    public ProgbarLogger(TextWriter? writer = null, bool? interactive = null)
    {
        this.writer = writer ?? Console.Out;
        this.interactive = interactive ?? (writer is null && !Console.IsOutputRedirected);
    }

    /// <summary>Formats logs the way the progress line shows them: <c>d_loss 1.3863  g_loss 0.6931  D(x) 0.500  D(G(z)) 0.500</c>.</summary>
    public static string FormatLogs(IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        var parts = new List<string>();
        foreach (var (key, value) in logs)
        {
            string label = key switch { "d_real" => "D(x)", "d_fake" => "D(G(z))", _ => key };
            string format = key is "d_real" or "d_fake" ? "F3" : "F4";
            parts.Add(label + " " + value.ToString(format, CultureInfo.InvariantCulture));
        }
        return string.Join("  ", parts);
    }

    /// <summary>Formats a duration compactly: <c>850ms</c>, <c>12.3s</c>, <c>4m05s</c>, <c>1h02m</c>.</summary>
    public static string FormatDuration(TimeSpan duration)
    {
        if (duration < TimeSpan.FromSeconds(1)) return duration.TotalMilliseconds.ToString("F0", CultureInfo.InvariantCulture) + "ms";
        if (duration < TimeSpan.FromMinutes(1)) return duration.TotalSeconds.ToString("F1", CultureInfo.InvariantCulture) + "s";
        if (duration < TimeSpan.FromHours(1)) return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalMinutes}m{duration.Seconds:D2}s");
        return string.Create(CultureInfo.InvariantCulture, $"{(int)duration.TotalHours}h{duration.Minutes:D2}m");
    }

    /// <inheritdoc />
    public override void OnTrainBegin(ITrainingContext context) => this.context = context;

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch)
    {
        this.epoch = epoch;
        epochClock.Restart();
        lastDraw = TimeSpan.Zero;
        stepsDone = 0;
    }

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, BatchLogs logs)
    {
        stepsDone = batch + 1L;
        if (!interactive || context is null) return;
        var elapsed = epochClock.Elapsed;
        if (elapsed - lastDraw < RedrawInterval && batch + 1 < context.StepsPerEpoch) return;
        lastDraw = elapsed;
        long done = batch + 1, total = context.StepsPerEpoch;
        double rate = done / Math.Max(elapsed.TotalSeconds, 1e-9);
        var eta = TimeSpan.FromSeconds((total - done) / Math.Max(rate, 1e-9));
        int filled = (int)(BarWidth * done / Math.Max(1, total));
        var bar = new StringBuilder().Append('[').Append('=', Math.Max(0, filled - 1)).Append(filled > 0 ? (done < total ? ">" : "=") : string.Empty).Append('.', BarWidth - filled).Append(']');
        writer.Write(string.Create(CultureInfo.InvariantCulture,
            $"\r{Header()}  {done}/{total} {bar}  {rate:F1} steps/s  ETA {FormatDuration(eta)}  {FormatLogs(logs.EpochMeans())}\u001b[K"));
        writer.Flush();
    }

    /// <inheritdoc />
    /// <remarks>The line counts the steps the epoch ran, fewer than planned when training was stopped during it.</remarks>
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        if (context is null) return;
        var elapsed = epochClock.Elapsed;
        double rate = stepsDone / Math.Max(elapsed.TotalSeconds, 1e-9);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{Header()}  {stepsDone}/{context.StepsPerEpoch}  {FormatDuration(elapsed)}  {rate:F1} steps/s  {FormatLogs(logs)}");
        writer.Write(interactive ? "\r" + line + "\u001b[K\n" : line + "\n");
        writer.Flush();
    }

    private string Header() => string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{context!.Epochs}");
}
