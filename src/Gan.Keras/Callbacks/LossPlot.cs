using Gan.Keras.Export.Images;

namespace Gan.Keras.Callbacks;

/// <summary>Redraws a PNG line chart of the losses (and any other logged values asked for) after every epoch.</summary>
public sealed class LossPlot : Callback
{
    private static readonly string[] DefaultKeys = { "d_loss", "g_loss" };
    private readonly string[] keys;
    private readonly List<double> epochs = new();
    private readonly Dictionary<string, List<double>> values = new();

    /// <summary>Initializes a new instance of the <see cref="LossPlot"/> class.</summary>
    /// <param name="path">The PNG file.</param>
    /// <param name="keys">The logged values to plot; <c>d_loss</c> and <c>g_loss</c> by default.</param>
    public LossPlot(string path, IEnumerable<string>? keys = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        this.keys = (keys ?? DefaultKeys).ToArray();
        if (this.keys.Length == 0) throw new ArgumentException("Give at least one key to plot.", nameof(keys));
    }

    /// <summary>Gets the PNG file's path.</summary>
    public string Path { get; }

    /// <summary>Adds epochs logged before this run (resuming), for example the rows of <see cref="CsvLogger.ReadRows"/>.</summary>
    public void Preload(IEnumerable<(int Epoch, IReadOnlyDictionary<string, double> Logs)> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        foreach (var (epoch, logs) in rows) Add(epoch, logs);
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        Add(epoch, logs);
        var series = keys.ToDictionary(k => k, k => (IReadOnlyList<double>)values[k]);
        LineChart.SavePng(Path, epochs, series, "Losses", "epoch", "loss");
    }

    private void Add(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        // An epoch logged again (after a resume) replaces the earlier value.
        int index = epochs.IndexOf(epoch + 1);
        if (index < 0)
        {
            epochs.Add(epoch + 1);
            index = epochs.Count - 1;
        }
        foreach (var key in keys)
        {
            if (!values.TryGetValue(key, out var list)) values[key] = list = new List<double>();
            while (list.Count < epochs.Count) list.Add(double.NaN);
            list[index] = logs.TryGetValue(key, out double v) ? v : double.NaN;
        }
    }
}
