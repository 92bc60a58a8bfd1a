using System.Globalization;

namespace Gan.Keras.Tests.Fuzzing;

/// <summary>What a fuzz run did: how many cases, how many the reader accepted or rejected, how long, how much it allocated.</summary>
/// <param name="Reader">The reader's name.</param>
/// <param name="Cases">Cases run.</param>
/// <param name="Accepted">Cases the reader read without error (a mutation can leave a file valid).</param>
/// <param name="Rejected">Cases rejected with the documented exception naming the file.</param>
/// <param name="Elapsed">Wall time of all cases.</param>
/// <param name="SlowestCase">The longest single case.</param>
/// <param name="MostAllocated">The most managed bytes one case allocated.</param>
/// <param name="MostAllocatedLength">The length of that case's file.</param>
public sealed record FuzzReport(string Reader, int Cases, int Accepted, int Rejected, TimeSpan Elapsed, TimeSpan SlowestCase, long MostAllocated, long MostAllocatedLength)
{
    /// <summary>
    /// Asserts the run's exact counts. The mutator is seeded, so a reader keeps them unless its behaviour changes: one that
    /// starts accepting a corrupt file (skips an entry instead of refusing it) or refusing a valid one fails here, with
    /// both counts in the message. Refused and accepted together are also the cases run.
    /// </summary>
    /// <param name="rejected">The cases the reader must refuse.</param>
    /// <param name="accepted">The cases the reader must read (a mutation can leave a file valid).</param>
    public void AssertCounts(int rejected, int accepted) =>
        Xunit.Assert.Equal((Rejected: rejected, Accepted: accepted), (Rejected, Accepted));

    /// <summary>Returns the report as one line, as the fuzz tests print it.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"fuzz {Reader}: {Cases} mutations, {Rejected} rejected (documented exception naming the file), {Accepted} accepted, {Elapsed.TotalSeconds:F2} s, slowest case {SlowestCase.TotalMilliseconds:F1} ms, most allocated {MostAllocated:N0} bytes (file of {MostAllocatedLength:N0} bytes)");
}
