using System.Globalization;
using Gan.Keras.Training.Distributed;
using Gan.Keras.Training.Runs;
using TorchSharp;

namespace Gan.Keras.Cli.Training;

/// <summary>
/// The data-parallel side of one <c>gan train</c> process: under <c>mpirun</c> it joins the ranks (MPI, and NCCL for
/// a CUDA device); outside it, nothing. It owns MPI's lifetime: finalised after a run that succeeded, and on a failure
/// of any rank, one line is printed and every rank is stopped (<c>MPI_Abort</c>), so none waits forever.
/// </summary>
internal sealed class DistributedSession : IDisposable
{
    /// <summary>Gets the run's ranks once <see cref="Join"/> has joined them, or null (one process).</summary>
    public DataParallel? Parallel { get; private set; }

    /// <summary>Gets a value indicating whether this process writes and prints for the run (rank 0, or the only process).</summary>
    public bool IsPrimary => Parallel?.IsPrimary ?? true;

    /// <summary>Joins the ranks when launched by mpirun (a CUDA <paramref name="device"/> is replaced by this rank's <c>cuda:{local rank}</c>); returns the device to train on.</summary>
    public torch.Device Join(torch.Device device)
    {
        if (!MpiCommunicator.LaunchedByMpirun) return device;
        try
        {
            Parallel ??= DataParallel.Launch(device);
        }
        catch (DistributedException ex) when (device.type == DeviceType.CUDA)
        {
            // The library says what failed and how to fix it; the flag that trains on the CPU is the CLI's to name.
            throw new DistributedException($"{ex.Message} With gan train, that is --device cpu.", ex);
        }
        return Parallel.Device;
    }

    /// <summary>
    /// Gets the libtorch threads for this process when none were asked for: a preset's own preference
    /// (<paramref name="preferred"/>, or libtorch's default when null), and under mpirun at most the machine's cores
    /// divided among the ranks on it.
    /// </summary>
    public int? Threads(int? preferred)
    {
        if (Parallel is null) return preferred;
        int local = int.TryParse(Environment.GetEnvironmentVariable("OMPI_COMM_WORLD_LOCAL_SIZE"), NumberStyles.None, CultureInfo.InvariantCulture, out int n) ? n : 1;
        int share = Math.Max(1, Environment.ProcessorCount / Math.Max(1, local));
        return preferred is int p ? Math.Min(p, share) : share;
    }

    /// <summary>Runs <paramref name="run"/>; if it throws in a run of several ranks, prints one line and stops them all.</summary>
    public int Execute(Func<int> run, bool verbose)
    {
        ArgumentNullException.ThrowIfNull(run);
        try
        {
            return run();
        }
#pragma warning disable CA1031 // Whatever fails on one rank must stop the others, which wait in their next collective.
        catch (Exception ex) when (Parallel is { Size: > 1 } parallel)
#pragma warning restore CA1031
        {
            // The exit codes and wording of GanCli's one mapping (usage errors 2, a setting given as a flag named as the flag, others 1).
            var (code, message) = GanCli.Describe(ex, Array.Empty<string>());
            Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"gan: error: rank {parallel.Rank} of {parallel.Size}: {message} Stopping every rank (MPI_Abort)."));
            if (verbose) Console.Error.WriteLine(ex);
            parallel.Communicator.Abort(code);
            throw;
        }
    }

    /// <summary>Finalises MPI after a run that ended normally.</summary>
    public void Dispose() => Parallel?.Dispose();
}
