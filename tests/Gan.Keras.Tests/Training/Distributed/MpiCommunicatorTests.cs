using Xunit;

namespace Gan.Keras.Tests.Training.Distributed;

public class MpiCommunicatorTests
{
    [SkippableFact]
    [Trait("Category", "Slow")]
    public void Collectives_GiveEveryRankTheSameSumsAndBroadcasts_UnderMpirunWithTwoRanks()
    {
        // Given two ranks started by mpirun over loopback
        MpiRun.SkipUnlessAvailable();

        // When each runs every collective (allreduce float32/float64/doubles, broadcast of int64, bytes and a non-contiguous view, any, barrier, the gradient average)
        var (exitCode, output, error, _) = MpiRun.Run(2, MpiRun.HostDll, new[] { "collectives" }, TimeSpan.FromMinutes(2));

        // Then both ranks saw the values they predicted
        Assert.True(exitCode == 0, output + error);
        Assert.Contains("rank 0 of 2 ok (Open MPI", output, StringComparison.Ordinal);
        Assert.Contains("rank 1 of 2 ok (Open MPI", output, StringComparison.Ordinal);
    }
}
