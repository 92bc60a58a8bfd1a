using System.Globalization;
using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.MpiHost;

/// <summary>
/// One rank of a distributed test, started by <c>mpirun -np N dotnet gan-mpi-host.dll MODE ARGS</c>. Prints what it
/// checked and exits 0; on any failure prints one line and aborts every rank (MPI_Abort), so none waits forever.
/// </summary>
internal static class Program
{
    public static int Main(string[] args)
    {
        torch.set_num_threads(1);
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: gan-mpi-host collectives | fail RANK | train ... | bench ...");
            return 2;
        }
        using var world = MpiCommunicator.Initialize();
        try
        {
            int code = args[0] switch
            {
                "collectives" => CollectivesCheck.Run(world),
                "fail" => FailCheck.Run(world, int.Parse(args[1], CultureInfo.InvariantCulture)),
                "bench-allreduce" => AllreduceBenchmark.Run(world, args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1.0),
                _ => throw new ArgumentException($"unknown mode '{args[0]}'"),
            };
            Console.Out.Flush();
            return code;
        }
#pragma warning disable CA1031 // Any failure of one rank must stop them all.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            Console.Out.WriteLine($"rank {world.Rank} of {world.Size} failed: {ex.GetType().Name}: {ex.Message}");
            world.Abort(3);
            return 3;
        }
    }
}
