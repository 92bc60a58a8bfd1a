using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.MpiHost;

/// <summary>Every collective of <see cref="MpiCommunicator"/>, with values each rank can predict.</summary>
internal static class CollectivesCheck
{
    public static int Run(MpiCommunicator world)
    {
        int rank = world.Rank, size = world.Size;
        long sumOfRanks = (long)size * (size - 1) / 2;

        using var f32 = torch.tensor(new float[] { rank, 1, -rank * 0.5f });
        world.AllReduceSum(f32);
        Expect(f32.data<float>().ToArray(), new float[] { sumOfRanks, size, -sumOfRanks * 0.5f }, "allreduce float32");

        using var f64 = torch.full(new long[] { 3, 1000 }, rank + 0.25, torch.float64);
        world.AllReduceSum(f64);
        Expect(f64.sum().item<double>(), 3000 * (sumOfRanks + 0.25 * size), "allreduce float64");

        int root = size - 1;
        using var ints = torch.arange(5, torch.int64) * (rank + 1);
        world.Broadcast(ints, root);
        Expect(ints.data<long>().ToArray(), Enumerable.Range(0, 5).Select(i => (long)i * (root + 1)).ToArray(), "broadcast int64");

        // A non-contiguous tensor (a transposed view) is staged and copied back.
        using var matrix = torch.arange(6, torch.float32).reshape(2, 3).mul(rank + 1);
        using var transposed = matrix.t();
        world.Broadcast(transposed, 0);
        Expect(matrix.flatten().data<float>().ToArray(), new float[] { 0, 1, 2, 3, 4, 5 }, "broadcast non-contiguous");

        var bytes = world.Broadcast(rank == 0 ? new byte[] { 7, 8, 9 } : new byte[3]);
        Expect(bytes.Select(b => (long)b).ToArray(), new long[] { 7, 8, 9 }, "broadcast bytes");

        var sums = world.AllReduceSum(new[] { 1.0, rank });
        Expect(sums.Select(v => (float)v).ToArray(), new float[] { size, sumOfRanks }, "allreduce doubles");

        Expect(world.Any(rank == size - 1) ? 1 : 0, 1, "any (true on the last rank)");
        Expect(world.Any(false) ? 1 : 0, 0, "any (false everywhere)");

        var averager = new GradientAverager(world);
        using var gradients = torch.full(4, (float)rank);
        averager.Average(gradients);
        Expect(gradients.data<float>().ToArray(), Enumerable.Repeat((float)sumOfRanks / size, 4).ToArray(), "gradient average");

        // Open MPI installs signal handlers; .NET turns SIGSEGV on a null dereference into NullReferenceException.
        try
        {
            string? nothing = Environment.GetEnvironmentVariable("GAN_KERAS_SURELY_UNSET_" + rank);
            _ = nothing!.Length;
            throw new InvalidOperationException("a null dereference did not throw");
        }
        catch (NullReferenceException)
        {
        }

        world.Barrier();
        Console.Out.WriteLine($"rank {rank} of {size} ok ({world.LibraryVersion.Split(',')[0]}, {averager.Reductions} reduction of {averager.Values} values)");
        return 0;
    }

    private static void Expect(float[] actual, float[] expected, string what)
    {
        if (!actual.SequenceEqual(expected))
            throw new InvalidOperationException($"{what}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }

    private static void Expect(long[] actual, long[] expected, string what)
    {
        if (!actual.SequenceEqual(expected))
            throw new InvalidOperationException($"{what}: expected [{string.Join(", ", expected)}], got [{string.Join(", ", actual)}]");
    }

    private static void Expect(double actual, double expected, string what)
    {
        if (actual != expected) throw new InvalidOperationException($"{what}: expected {expected}, got {actual}");
    }
}
