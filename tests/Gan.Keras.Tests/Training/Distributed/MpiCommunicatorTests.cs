using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Training.Distributed;

public class MpiCommunicatorTests
{
    [SkippableFact]
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

    [SkippableFact]
    public void Abort_StopsTheRanksWaitingInACollective_WithinSeconds()
    {
        // Given two ranks, the second of which fails while the first waits for it in an allreduce
        MpiRun.SkipUnlessAvailable();

        // When the failing rank prints its one line and calls MPI_Abort
        var (exitCode, output, error, _) = MpiRun.Run(2, MpiRun.HostDll, new[] { "fail", "1" }, TimeSpan.FromMinutes(2));
        long ended = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        // Then mpirun ends the whole run with the abort's code, and no rank got past the collective
        Assert.Equal(3, exitCode);
        Assert.Contains("rank 1 of 2 failed: InvalidOperationException: injected failure", output, StringComparison.Ordinal);
        Assert.Contains("MPI_ABORT was invoked on rank 1", error, StringComparison.Ordinal);
        Assert.DoesNotContain("returned, which it must not", output, StringComparison.Ordinal);
        var failedAt = System.Text.RegularExpressions.Regex.Match(output, @"rank 1 failing at (\d+) ms");
        Assert.True(failedAt.Success, output);
        double seconds = (ended - long.Parse(failedAt.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)) / 1000.0;
        Assert.True(seconds < 10, $"the run took {seconds:F1} s to stop after the failure");
    }
}
