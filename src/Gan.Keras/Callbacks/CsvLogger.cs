using System.Globalization;
using Gan.Keras.Training;

namespace Gan.Keras.Callbacks;

/// <summary>
/// Writes each epoch's logs as a CSV row (<c>epoch</c> then the keys in alphabetical order), as Keras's
/// <c>CSVLogger</c>. The file is flushed after every row, so it can be followed while training runs.
/// </summary>
public sealed class CsvLogger : Callback
{
    private readonly string separator;
    private readonly bool append;
    private List<string>? keys;
    private bool prepared;

    /// <summary>Initializes a new instance of the <see cref="CsvLogger"/> class.</summary>
    /// <param name="filename">The CSV file.</param>
    /// <param name="separator">The column separator.</param>
    /// <param name="append">
    /// Whether to continue an existing file (resuming). Rows for epochs at or after the run's first epoch are dropped
    /// first, so a resumed run does not log an epoch twice.
    /// </param>
    public CsvLogger(string filename, string separator = ",", bool append = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(filename);
        ArgumentException.ThrowIfNullOrEmpty(separator);
        Filename = filename;
        this.separator = separator;
        this.append = append;
    }

    /// <summary>Gets the CSV file's path.</summary>
    public string Filename { get; }

    /// <summary>Reads the rows of a CSV file written by <see cref="CsvLogger"/>: each epoch and its values by key.</summary>
    /// <exception cref="InvalidDataException">A row has the wrong number of fields or a value that is not a number; the message names the file and line.</exception>
    public static IReadOnlyList<(int Epoch, IReadOnlyDictionary<string, double> Logs)> ReadRows(string filename, string separator = ",")
    {
        ArgumentException.ThrowIfNullOrEmpty(filename);
        var lines = File.ReadAllLines(filename);
        var rows = new List<(int, IReadOnlyDictionary<string, double>)>();
        if (lines.Length == 0) return rows;
        var header = lines[0].Split(separator);
        if (header[0] != "epoch")
            throw new InvalidDataException($"'{filename}' line 1: expected a header starting with 'epoch', got '{lines[0]}'.");
        for (int i = 1; i < lines.Length; i++)
        {
            if (lines[i].Length == 0) continue;
            var fields = lines[i].Split(separator);
            if (fields.Length != header.Length)
                throw new InvalidDataException($"'{filename}' line {i + 1}: {fields.Length} fields, the header has {header.Length}.");
            if (!int.TryParse(fields[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int epoch))
                throw new InvalidDataException($"'{filename}' line {i + 1}: epoch '{fields[0]}' is not an integer.");
            var logs = new Dictionary<string, double>();
            for (int c = 1; c < fields.Length; c++)
            {
                if (!double.TryParse(fields[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                    throw new InvalidDataException($"'{filename}' line {i + 1}: '{header[c]}' value '{fields[c]}' is not a number.");
                logs[header[c]] = value;
            }
            rows.Add((epoch, logs));
        }
        return rows;
    }

    /// <inheritdoc />
    public override void OnTrainBegin(ITrainingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        keys = null;
        prepared = false;
    }

    /// <summary>Prepares the file before the first epoch: by then a callback that resumes the run has moved <see cref="ITrainingContext.InitialEpoch"/>, whatever the callbacks' order.</summary>
    public override void OnEpochBegin(int epoch)
    {
        if (prepared) return;
        prepared = true;
        var context = Context ?? throw new InvalidOperationException("CsvLogger is used outside GanModel.Fit().");
        if (!append || !File.Exists(Filename))
        {
            WriteAllText(string.Empty);
            return;
        }
        var lines = File.ReadAllLines(Filename);
        if (lines.Length == 0) return;
        keys = lines[0].Split(separator).Skip(1).ToList();
        var kept = lines.Take(1).Concat(lines.Skip(1).Where(l =>
            l.Length > 0 && int.TryParse(l.Split(separator)[0], NumberStyles.Integer, CultureInfo.InvariantCulture, out int e) && e < context.InitialEpoch));
        WriteAllText(string.Join('\n', kept) + "\n");
    }

    /// <inheritdoc />
    public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        string? header = null;
        if (keys is null)
        {
            keys = logs.Keys.OrderBy(k => k, StringComparer.Ordinal).ToList();
            header = string.Join(separator, keys.Prepend("epoch")) + "\n";
        }
        var row = keys.Select(k => logs.TryGetValue(k, out double v) ? v.ToString("R", CultureInfo.InvariantCulture) : "NA")
            .Prepend(epoch.ToString(CultureInfo.InvariantCulture));
        using var stream = new FileStream(Filename, FileMode.Append, FileAccess.Write, FileShare.Read);
        using var writer = new StreamWriter(stream);
        writer.Write(header + string.Join(separator, row) + "\n");
    }

    private void WriteAllText(string text)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(Filename));
        if (directory is not null) Directory.CreateDirectory(directory);
        Export.AtomicFile.WriteAllText(Filename, text);
    }
}
