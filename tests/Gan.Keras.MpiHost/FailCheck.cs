using Gan.Keras.Training.Distributed;
using TorchSharp;

namespace Gan.Keras.MpiHost;

/// <summary>One rank fails while the others wait in a collective: the failing one must stop them all.</summary>
internal static class FailCheck
{
    public static int Run(MpiCommunicator world, int failingRank)
    {
        world.Barrier();
        if (world.Rank == failingRank)
        {
            Console.Out.WriteLine($"rank {world.Rank} failing at {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} ms");
            throw new InvalidOperationException("injected failure");
        }
        // The others wait for the failing rank's contribution, which never comes: only MPI_Abort ends this.
        using var gradients = torch.ones(10);
        world.AllReduceSum(gradients);
        Console.Out.WriteLine($"rank {world.Rank}: the allreduce returned, which it must not");
        return 0;
    }
}
