using System.Diagnostics;
using System.Globalization;
using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.MpiHost;

/// <summary>
/// Times MPI allreduce of float32 buffers of growing size (median of repeated calls, each after a barrier) and prints
/// one line per size from rank 0: the latency and bandwidth that bound gradient averaging.
/// </summary>
internal static class AllreduceBenchmark
{
    private static readonly long[] Sizes = { 1, 1_000, 10_000, 100_000, 1_000_000, 4_000_000, 16_000_000 };

    public static int Run(MpiCommunicator world, double secondsPerSize)
    {
        foreach (long size in Sizes)
        {
            using var buffer = torch.ones(size);
            for (int i = 0; i < 3; i++) world.AllReduceSum(buffer);
            var times = new List<double>();
            var budget = Stopwatch.StartNew();
            // Every rank runs the same number of calls: rank 0 decides when to stop.
            while (!world.Any(world.IsPrimary && (budget.Elapsed.TotalSeconds > secondsPerSize || times.Count >= 2000)))
            {
                world.Barrier();
                var clock = Stopwatch.StartNew();
                world.AllReduceSum(buffer);
                times.Add(clock.Elapsed.TotalSeconds);
            }
            times.Sort();
            double median = times[times.Count / 2];
            double bytes = size * 4.0;
            if (world.IsPrimary)
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"allreduce ranks={world.Size} floats={size} bytes={bytes:F0} calls={times.Count} median_us={median * 1e6:F1} min_us={times[0] * 1e6:F1} algbw_MBps={bytes / median / 1e6:F1}"));
        }
        return 0;
    }
}
