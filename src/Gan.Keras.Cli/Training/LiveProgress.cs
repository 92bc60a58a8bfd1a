using Gan.Keras.Training;
using System.Globalization;
using Gan.Keras.Callbacks;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// A live Spectre.Console progress bar per epoch (steps done, steps/s, ETA, current d/g loss, D(x), D(G(z))), used
/// when standard output is an interactive terminal. Each finished epoch leaves one summary line above the bar.
/// </summary>
internal sealed class LiveProgress : Callback
{
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromMilliseconds(250);
    private readonly IAnsiConsole console;
    private readonly ProgressContext progress;
    private ITrainingContext? context;
    private ProgressTask? task;
    private DateTime epochStart;
    private DateTime lastRefresh;

    private LiveProgress(IAnsiConsole console, ProgressContext progress)
    {
        this.console = console;
        this.progress = progress;
    }

    /// <summary>Gets a value indicating whether the console can show a live display (a terminal, not redirected).</summary>
    public static bool Supported(IAnsiConsole console) =>
        console.Profile.Capabilities.Interactive && console.Profile.Capabilities.Ansi && !Console.IsOutputRedirected;

    /// <summary>Runs <paramref name="train"/> inside a live progress display, handing it the callback to pass to Fit.</summary>
    public static T Run<T>(IAnsiConsole console, Func<Callback, T> train)
    {
        return console.Progress()
            .AutoClear(true)
            .HideCompleted(true)
            .Columns(
                new TaskDescriptionColumn { Alignment = Justify.Left },
                new ProgressBarColumn { Width = 20 },
                new StepsColumn(),
                new SpeedColumn(),
                new EtaColumn(),
                new LogsColumn())
            .Start(ctx => train(new LiveProgress(console, ctx)));
    }

    public override void OnTrainBegin(ITrainingContext context) => this.context = context;

    public override void OnEpochBegin(int epoch)
    {
        var run = context!;
        epochStart = DateTime.UtcNow;
        task = progress.AddTask(string.Create(CultureInfo.InvariantCulture, $"Epoch {epoch + 1}/{run.Epochs}"), autoStart: true, maxValue: run.StepsPerEpoch);
    }

    public override void OnBatchEnd(int batch, BatchLogs logs)
    {
        if (task is null) return;
        task.Increment(1);
        // The values are the epoch's running means, read from the device a few times a second rather than every step.
        var now = DateTime.UtcNow;
        if (now - lastRefresh < RefreshInterval) return;
        lastRefresh = now;
        task.Tag = ProgbarLogger.FormatLogs(logs.EpochMeans());
    }

    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        var run = context!;
        if (task is not null)
        {
            task.StopTask();
            progress.RemoveTask(task);
            task = null;
        }
        var elapsed = DateTime.UtcNow - epochStart;
        double rate = run.StepsPerEpoch / Math.Max(elapsed.TotalSeconds, 1e-9);
        console.MarkupLine(string.Create(CultureInfo.InvariantCulture,
            $"[bold]Epoch {epoch + 1}/{run.Epochs}[/]  {run.StepsPerEpoch}/{run.StepsPerEpoch}  {ProgbarLogger.FormatDuration(elapsed)}  {rate:F1} steps/s  {Markup.Escape(ProgbarLogger.FormatLogs(logs))}"));
    }

    private sealed class StepsColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(string.Create(CultureInfo.InvariantCulture, $"{task.Value:0}/{task.MaxValue:0}"));
    }

    private sealed class SpeedColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Speed is double speed ? string.Create(CultureInfo.InvariantCulture, $"{speed:F1} steps/s") : "– steps/s", new Style(Color.Grey));
    }

    private sealed class EtaColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.RemainingTime is TimeSpan eta ? "ETA " + ProgbarLogger.FormatDuration(eta) : "ETA –", new Style(Color.Grey));
    }

    /// <summary>The current step's losses and scores; cut with an ellipsis rather than wrapped on a narrow terminal.</summary>
    private sealed class LogsColumn : ProgressColumn
    {
        public override IRenderable Render(RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text(task.Tag as string ?? string.Empty) { Overflow = Overflow.Ellipsis };
    }
}
