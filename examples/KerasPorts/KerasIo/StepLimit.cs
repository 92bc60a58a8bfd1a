using System.Globalization;
using Gan.Keras.Callbacks;
using Gan.Keras.Training;

namespace Gan.Keras.Examples.KerasPorts.KerasIo;

/// <summary>
/// Stops <c>Fit</c> after a number of training steps, as <c>--steps N</c> asks (the originals count epochs), and prints
/// one line of losses every <see cref="Every"/> steps and at the last one (the originals' progress bar, in plain lines).
/// </summary>
internal sealed class StepLimit : Callback
{
    private readonly GanTrainer gan;
    private int done;

    /// <summary>Initializes a new instance of the <see cref="StepLimit"/> class.</summary>
    public StepLimit(GanTrainer gan, int steps)
    {
        ArgumentNullException.ThrowIfNull(gan);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        this.gan = gan;
        Steps = steps;
        Every = Math.Max(1, steps / 10);
    }

    /// <summary>Gets the number of steps to run.</summary>
    public int Steps { get; }

    /// <summary>Gets how many steps apart the loss lines are.</summary>
    public int Every { get; }

    /// <summary>Gets the number of epochs that holds <see cref="Steps"/> steps of <paramref name="stepsPerEpoch"/>.</summary>
    public static int Epochs(int steps, long stepsPerEpoch) => checked((int)((steps + stepsPerEpoch - 1) / stepsPerEpoch));

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, BatchLogs logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        done++;
        if (done % Every == 0 || done == Steps) Console.WriteLine(Line(done, Steps, logs));
        if (done >= Steps) gan.StopTraining = true;
    }

    /// <summary>Formats <c>step i/n name=value ...</c> (invariant culture, four decimals).</summary>
    public static string Line(int step, int steps, IEnumerable<KeyValuePair<string, double>> logs) =>
        string.Create(CultureInfo.InvariantCulture, $"step {step}/{steps} ") + string.Join(' ', logs.Select(p => string.Create(CultureInfo.InvariantCulture, $"{p.Key}={p.Value:F4}")));
}
