using Gan.Keras.Training.Distributed;
using Xunit;

namespace Gan.Keras.Tests.Training.Distributed;

public class MpiLibraryTests
{
    [Fact]
    public void MissingMpi_IsOneClearError_NamingWhatWasTriedAndHowToInstallIt()
    {
        string missing = Path.Combine(TestPaths.NewTempFolder(), "libmpi.so.40");

        var error = Assert.Throws<DistributedException>(() => MpiLibrary.Open(new[] { missing }));

        Assert.StartsWith("MPI is not available: could not load Open MPI's libmpi (", error.Message, StringComparison.Ordinal);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install -y openmpi-bin libopenmpi-dev", error.Message, StringComparison.Ordinal);
    }

    [SkippableFact]
    public void ALibraryThatIsNotOpenMpi_IsRefusedByName()
    {
        // Given a library that loads but does not export Open MPI's handles (the C library stands in for MPICH)
        Skip.IfNot(OperatingSystem.IsLinux(), "uses glibc's libc.so.6 as the stand-in");

        var error = Assert.Throws<DistributedException>(() => MpiLibrary.Open(new[] { "libc.so.6" }));

        Assert.StartsWith("'libc.so.6' is not Open MPI (it does not export ompi_mpi_comm_world", error.Message, StringComparison.Ordinal);
    }
}
