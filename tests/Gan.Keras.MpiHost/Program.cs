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
    /// <summary>Reads <c>--key value</c> pairs (a flag without a value maps to "true").</summary>
    private static Dictionary<string, string> Options(IEnumerable<string> args)
    {
        var options = new Dictionary<string, string>();
        var list = args.ToList();
        for (int i = 0; i < list.Count; i++)
        {
            if (!list[i].StartsWith("--", StringComparison.Ordinal)) continue;
            bool hasValue = i + 1 < list.Count && !list[i + 1].StartsWith("--", StringComparison.Ordinal);
            options[list[i][2..]] = hasValue ? list[++i] : "true";
        }
        return options;
    }

    public static int Main(string[] args)
    {
        torch.set_num_threads(1);
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: gan-mpi-host collectives | train [--single] --runs MODEL:LOSS:CRITIC:STEPS,... --batch B --out PREFIX | bench-allreduce [SECONDS]");
            return 2;
        }
        var options = Options(args.Skip(1));
        if (args[0] == "train" && options.ContainsKey("single")) return TrainingCheck.Run(options, single: true);
        var world = MpiCommunicator.Initialize();
        try
        {
            int code = args[0] switch
            {
                "collectives" => CollectivesCheck.Run(world),
                "train" => TrainingCheck.Run(options, single: false),
                "bench-allreduce" => AllreduceBenchmark.Run(world, args.Length > 1 ? double.Parse(args[1], CultureInfo.InvariantCulture) : 1.0),
                _ => throw new ArgumentException($"unknown mode '{args[0]}'"),
            };
            Console.Out.Flush();
            world.Dispose();
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
