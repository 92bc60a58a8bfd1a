using System.Reflection;

namespace Gan.Keras.Tests;

/// <summary>Locations the tests need: the repository, the shared data beside it, the NuGet cache.</summary>
internal static class TestPaths
{
    public static string RepositoryRoot => Path.GetFullPath(Metadata("RepositoryRoot"));

    /// <summary>../shared beside the checkout (read-only data and golden traces); absent on a user's fresh clone.</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared"));

    public static string Golden => Path.Combine(Shared, "golden");

    public static string Mnist => Path.Combine(Shared, "data", "mnist");

    public static string TorchSharpNativeInNuGetCache => Metadata("TorchSharpNativeInNuGetCache");

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
