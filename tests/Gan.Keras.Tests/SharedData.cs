using Xunit;

namespace Gan.Keras.Tests;

/// <summary>Skips a test, with a message, when ../shared (golden traces, MNIST) is absent, as on a user's fresh clone.</summary>
internal static class SharedData
{
    public static string RequireGolden(string file)
    {
        string path = Path.Combine(TestPaths.Golden, file);
        Skip.IfNot(File.Exists(path), $"Golden trace {path} is absent (../shared/golden is not beside this checkout); skipping.");
        return path;
    }

    public static string RequireMnist()
    {
        string path = TestPaths.Mnist;
        Skip.IfNot(File.Exists(Path.Combine(path, "t10k-images-idx3-ubyte.gz")), $"MNIST is absent at {path} (../shared/data/mnist is not beside this checkout); skipping.");
        return path;
    }
}
