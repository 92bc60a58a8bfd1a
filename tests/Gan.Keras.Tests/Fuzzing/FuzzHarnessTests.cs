using Gan.Keras.Tests.Fuzzing;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Fuzzing;

public class FuzzHarnessTests
{
    private static readonly byte[] Valid = [1, 2, 3, 4, 5, 6, 7, 8];

    [Fact]
    public void Run_CountsAcceptedAndRejectedCases_WhenTheReaderKeepsTheContract()
    {
        var target = Target(bytes =>
        {
            if (bytes.Length != Valid.Length) throw new InvalidDataException("'x.bin' is corrupt.");
        }) with { Cases = 500 };

        var report = FuzzHarness.Run(target);

        Assert.Equal(500, report.Cases);
        Assert.Equal(500, report.Accepted + report.Rejected);
        Assert.True(report.Rejected > 0 && report.Accepted > 0);
    }

    [Theory]
    [InlineData("other", "ArgumentOutOfRangeException (not InvalidDataException)")]
    [InlineData("unnamed", "InvalidDataException without the file name")]
    [InlineData("allocate", "allocation beyond the file's size")]
    [InlineData("leak", "libtorch tensors leaked")]
    public void Run_ReportsEachBrokenContract(string fault, string expected)
    {
        var leaked = new List<torch.Tensor>();
        var target = Target(bytes =>
        {
            if (bytes.Length == Valid.Length) return;
            switch (fault)
            {
                case "other": throw new ArgumentOutOfRangeException(nameof(bytes));
                case "unnamed": throw new InvalidDataException("corrupt.");
                case "allocate": GC.KeepAlive(new byte[10 << 20]); break;
                default: leaked.Add(torch.zeros(1)); break;
            }
        }) with { Cases = 50, CountsTensors = true };

        var error = Assert.Throws<FuzzFailedException>(() => FuzzHarness.Run(target));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        foreach (var tensor in leaked) tensor.Dispose();
    }

    [Fact]
    public void Run_ReportsAHang_WithTheCaseThatHung()
    {
        using var release = new ManualResetEventSlim();
        int calls = 0;
        var target = Target(_ =>
        {
            if (Interlocked.Increment(ref calls) == 4) release.Wait(TimeSpan.FromSeconds(10));
        }) with { Cases = 10, CaseLimit = TimeSpan.FromMilliseconds(300) };

        var error = Assert.Throws<FuzzFailedException>(() => FuzzHarness.Run(target));
        release.Set();

        Assert.Contains("case 2 ran longer than 0.3 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RefusesAReaderThatRejectsTheValidFile()
    {
        var target = Target(_ => throw new InvalidDataException("'x.bin' is corrupt."));

        Assert.Throws<InvalidDataException>(() => FuzzHarness.Run(target));
    }

    private static FuzzTarget Target(Action<byte[]> read) => new("test reader", "x.bin", Valid, m => m.Mutate(Valid), read);
}
