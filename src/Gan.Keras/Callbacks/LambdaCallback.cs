using Gan.Keras.Training;
namespace Gan.Keras.Callbacks;

/// <summary>A callback made of delegates, as Keras's <c>LambdaCallback</c>: pass only the hooks you need.</summary>
public sealed class LambdaCallback : Callback
{
    private readonly Action<ITrainingContext>? onTrainBegin;
    private readonly Action<IReadOnlyDictionary<string, double>>? onTrainEnd;
    private readonly Action<int>? onEpochBegin;
    private readonly Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd;
    private readonly Action<int>? onBatchBegin;
    private readonly Action<int, IReadOnlyDictionary<string, double>>? onBatchEnd;

    /// <summary>Initializes a new instance of the <see cref="LambdaCallback"/> class.</summary>
    /// <param name="onTrainBegin">Called once before the first epoch.</param>
    /// <param name="onTrainEnd">Called once after the last epoch with the last epoch's logs.</param>
    /// <param name="onEpochBegin">Called with the epoch index at the start of each epoch.</param>
    /// <param name="onEpochEnd">Called with the epoch index and the epoch's mean logs.</param>
    /// <param name="onBatchBegin">Called with the batch index before each step.</param>
    /// <param name="onBatchEnd">Called with the batch index and the step's logs.</param>
    public LambdaCallback(
        Action<ITrainingContext>? onTrainBegin = null,
        Action<IReadOnlyDictionary<string, double>>? onTrainEnd = null,
        Action<int>? onEpochBegin = null,
        Action<int, IReadOnlyDictionary<string, double>>? onEpochEnd = null,
        Action<int>? onBatchBegin = null,
        Action<int, IReadOnlyDictionary<string, double>>? onBatchEnd = null)
    {
        this.onTrainBegin = onTrainBegin;
        this.onTrainEnd = onTrainEnd;
        this.onEpochBegin = onEpochBegin;
        this.onEpochEnd = onEpochEnd;
        this.onBatchBegin = onBatchBegin;
        this.onBatchEnd = onBatchEnd;
    }

    /// <inheritdoc />
    public override void OnTrainBegin(ITrainingContext context) => onTrainBegin?.Invoke(context);

    /// <inheritdoc />
    public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => onTrainEnd?.Invoke(logs);

    /// <inheritdoc />
    public override void OnEpochBegin(int epoch) => onEpochBegin?.Invoke(epoch);

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => onEpochEnd?.Invoke(epoch, logs);

    /// <inheritdoc />
    public override void OnBatchBegin(int batch) => onBatchBegin?.Invoke(batch);

    /// <inheritdoc />
    public override void OnBatchEnd(int batch, BatchLogs logs) => onBatchEnd?.Invoke(batch, logs);
}
