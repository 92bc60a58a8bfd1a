using Gan.Keras.Callbacks;
using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// Sums the values each training step logs, on the device: one stack and one add per step, whatever the number of
/// values. The sums are read to the host only when someone asks (epoch end, a progress refresh).
/// </summary>
internal sealed class StepLogAccumulator : IDisposable
{
    private string[] keys = Array.Empty<string>();
    private torch.Tensor? sums;
    private long steps;
    private long stepsAtLastRead = -1;
    private Dictionary<string, double> lastMeans = new();

    /// <summary>Gets the names of the logged values, in order.</summary>
    public IReadOnlyList<string> Keys => keys;

    /// <summary>Starts a new epoch.</summary>
    public void Reset()
    {
        sums?.Dispose();
        sums = null;
        steps = 0;
        stepsAtLastRead = -1;
        lastMeans = new Dictionary<string, double>();
    }

    /// <summary>Adds one step's values and returns them for the callbacks (the returned tensor belongs to the caller's dispose scope).</summary>
    /// <param name="logs">The step's scalar tensors, on the device; the same names at every step.</param>
    public BatchLogs Add(IReadOnlyDictionary<string, torch.Tensor> logs)
    {
        ArgumentNullException.ThrowIfNull(logs);
        if (sums is null)
        {
            keys = logs.Keys.ToArray();
        }
        else if (logs.Count != keys.Length || !keys.All(logs.ContainsKey))
        {
            throw new InvalidOperationException(
                $"TrainStep returned the values [{string.Join(", ", logs.Keys)}], but earlier steps of this epoch returned [{string.Join(", ", keys)}]. Return the same names at every step.");
        }
        using var noGrad = torch.no_grad();
        var stepValues = torch.stack(keys.Select(k => logs[k].detach().reshape(Array.Empty<long>())).ToArray());
        if (sums is null)
        {
            // The running sums live across steps: detached from the step's dispose scope on purpose.
            sums = stepValues.to(torch.float64, copy: true).DetachFromDisposeScope();
        }
        else
        {
            sums.add_(stepValues);
        }
        steps++;
        return new BatchLogs(this, stepValues);
    }

    /// <summary>Reads the means over the epoch's steps so far; one host read per step at most, however many callbacks ask.</summary>
    public IReadOnlyDictionary<string, double> ReadMeans()
    {
        if (sums is null) return new Dictionary<string, double>();
        if (stepsAtLastRead == steps) return lastMeans;
        var totals = HostReads.Read(sums);
        lastMeans = ToDictionary(keys, totals.Select(t => t / steps).ToArray());
        stepsAtLastRead = steps;
        return lastMeans;
    }

    /// <summary>Pairs names with values, in order.</summary>
    public static Dictionary<string, double> ToDictionary(IReadOnlyList<string> names, double[] values)
    {
        var result = new Dictionary<string, double>(names.Count);
        for (int i = 0; i < names.Count; i++) result[names[i]] = values[i];
        return result;
    }

    public void Dispose() => sums?.Dispose();
}
