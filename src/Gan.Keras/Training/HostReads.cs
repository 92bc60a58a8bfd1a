using TorchSharp;

namespace Gan.Keras.Training;

/// <summary>
/// The one place where the library copies values from the device to the host during training (which waits for the
/// device to finish): logged values, the health checks' measurements, the weight check, Embedding's index check. Counted,
/// so that a test can prove an epoch makes none unless asked, and how many a callback adds.
/// </summary>
internal static class HostReads
{
    private static long count;

    /// <summary>Gets the number of reads so far in this process.</summary>
    public static long Count => Interlocked.Read(ref count);

    /// <summary>Copies a 1-D tensor of logged values to the host as doubles.</summary>
    public static double[] Read(torch.Tensor values)
    {
        Interlocked.Increment(ref count);
        using var scope = torch.NewDisposeScope();
        return values.detach().to(torch.float64, torch.CPU).data<double>().ToArray();
    }
}
