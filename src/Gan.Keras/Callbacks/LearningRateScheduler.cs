using System.Globalization;
using Gan.Keras.Training;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Sets both optimizers' learning rate before every training step from a schedule of the step number, as Keras's
/// <c>LearningRateScheduler</c> does per epoch and PyTorch's <c>LambdaLR</c> per call. <see cref="Linear"/> is the
/// linear decay of the mixture benchmarks.
/// </summary>
public sealed class LearningRateScheduler : Callback
{
    private readonly Func<long, double> schedule;
    private long step;

    /// <summary>Initializes a new instance of the <see cref="LearningRateScheduler"/> class.</summary>
    /// <param name="schedule">The learning rate for a step (0-based, counted over the whole run, resumed runs included).</param>
    public LearningRateScheduler(Func<long, double> schedule)
    {
        this.schedule = schedule ?? throw new ArgumentNullException(nameof(schedule));
    }

    /// <summary>Gets the learning rate set before the last step.</summary>
    public double CurrentRate { get; private set; } = double.NaN;

    /// <summary>A linear decay from <paramref name="from"/> to <paramref name="to"/> over <paramref name="steps"/> steps, then constant.</summary>
    /// <param name="from">The rate at step 0; positive.</param>
    /// <param name="to">The rate from step <paramref name="steps"/> on; positive.</param>
    /// <param name="steps">The length of the decay; positive.</param>
    public static LearningRateScheduler Linear(double from, double to, long steps)
    {
        if (!(from > 0) || !(to > 0) || double.IsInfinity(from) || double.IsInfinity(to))
            throw new ArgumentOutOfRangeException(nameof(from), string.Create(CultureInfo.InvariantCulture, $"Learning rates must be positive and finite, got {from} and {to}."));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        return new LearningRateScheduler(step => from + (to - from) * Math.Min(1.0, (double)step / steps));
    }

    /// <summary>Gets true: in a data-parallel run every rank sets the same learning rate.</summary>
    public override bool RunsOnEveryRank => true;

    /// <inheritdoc />
    public override void OnTrainBegin(ITrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        step = (long)context.InitialEpoch * context.StepsPerEpoch;
    }

    /// <inheritdoc />
    public override void OnBatchBegin(int batch)
    {
        var context = Context ?? throw new InvalidOperationException("LearningRateScheduler is used outside GanModel.Fit().");
        double rate = schedule(step++);
        if (!(rate > 0) || double.IsInfinity(rate))
            throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture, $"The learning-rate schedule returned {rate} for step {step - 1}; it must be positive and finite."));
        context.DiscriminatorOptimizer.LearningRate = rate;
        context.GeneratorOptimizer.LearningRate = rate;
        CurrentRate = rate;
    }
}
