namespace Gan.Keras.Tests;

/// <summary>The data committed under tests/data (golden traces, MNIST t10k); see tests/data/README.md.</summary>
internal static class TestData
{
    /// <summary>Gets the path of a committed golden trace, failing clearly when it is not in the checkout.</summary>
    public static string Golden(string file)
    {
        string path = Path.Combine(TestPaths.Golden, file);
        if (!File.Exists(path)) throw new FileNotFoundException($"Golden trace {path} is not in the checkout; it is committed under tests/data/golden.", path);
        return path;
    }

    /// <summary>Gets the committed MNIST t10k folder, failing clearly when it is not in the checkout.</summary>
    public static string Mnist()
    {
        string path = TestPaths.Mnist;
        if (!File.Exists(Path.Combine(path, "t10k-images-idx3-ubyte.gz"))) throw new FileNotFoundException($"MNIST t10k is not in {path}; it is committed under tests/data/mnist.", path);
        return path;
    }
}
