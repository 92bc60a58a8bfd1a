using System.Reflection;

namespace Gan.Keras.Tests;

/// <summary>Locations the tests need: the repository, the data committed in it, the NuGet cache.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));

    /// <summary>tests/data: golden traces and MNIST t10k, committed with their checksums (tests/data/README.md).</summary>
    public static string Data => Path.Combine(RepositoryRoot, "tests", "data");

    public static string Golden => Path.Combine(Data, "golden");

    public static string Mnist => Path.Combine(Data, "mnist");

    public static string TorchSharpNativeInNuGetCache => Metadata("TorchSharpNativeInNuGetCache");

    /// <summary>The machine's NuGet package cache (global packages folder) the tests were restored from.</summary>
    public static string NuGetPackageRoot => Metadata("NuGetPackageRoot");

    public static string Metadata(string key) =>
        typeof(TestPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;

    /// <summary>A fresh empty folder under the system temp folder.</summary>
    public static string NewTempFolder()
    {
        string path = Path.Combine(Path.GetTempPath(), "gan-keras-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
