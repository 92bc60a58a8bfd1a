using Gan.Keras.Training.Distributed;
using Xunit;

namespace Gan.Keras.Tests.Training.Distributed;

public class NcclCommunicatorTests
{
    [Fact]
    public void MissingNccl_IsOneClearError_NamingWhatWasTriedAndTheFix()
    {
        // Given a machine where the NCCL library named is absent
        string missing = Path.Combine(TestPaths.NewTempFolder(), "libnccl.so.2");

        // When NCCL is loaded
        var error = Assert.Throws<DistributedException>(() => NcclLibrary.Open(new[] { missing }));

        // Then the message says NCCL is not available, names the file, and says how to get it or train without it
        Assert.StartsWith("NCCL is not available: could not load libnccl (", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install libnccl2", error.Message, StringComparison.Ordinal);
        Assert.Contains("Or train on a CPU device", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("--", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_RefusesACpuDevice()
    {
        // NCCL is for CUDA devices; the device is checked before MPI or NCCL is touched.
        var error = Assert.Throws<ArgumentException>(() => NcclCommunicator.Create(null!, TorchSharp.torch.CPU));
        Assert.Equal("device", error.ParamName);
    }
}
