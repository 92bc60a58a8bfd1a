namespace Gan.Keras.Callbacks;

/// <summary>Records each epoch's mean logs, as Keras's <c>History</c>; <see cref="Models.GanModel.Fit"/> returns one.</summary>
public sealed class History : Callback
{
    private readonly Dictionary<string, List<double>> values = new();
    private readonly List<int> epochs = new();

    /// <summary>Gets the epoch indices recorded.</summary>
    public IReadOnlyList<int> Epochs => epochs;

    /// <summary>Gets the names of the recorded values (<c>d_loss</c>, <c>g_loss</c>, <c>d_real</c>, <c>d_fake</c>, ...).</summary>
    public IReadOnlyCollection<string> Keys => values.Keys;

    /// <summary>Gets one value per recorded epoch.</summary>
    /// <exception cref="KeyNotFoundException">No value has that name; the message lists the names there are.</exception>
    public IReadOnlyList<double> this[string key] =>
        values.TryGetValue(key, out var list) ? list : throw new KeyNotFoundException($"History has no '{key}'. Recorded: {string.Join(", ", values.Keys)}.");

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        epochs.Add(epoch);
        foreach (var (key, value) in logs)
        {
            if (!values.TryGetValue(key, out var list)) values[key] = list = new List<double>();
            list.Add(value);
        }
    }
}
