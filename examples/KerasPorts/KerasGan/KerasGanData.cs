using Gan.Keras.Data;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasGan;

/// <summary>
/// The data the Keras-GAN scripts read with <c>mnist.load_data()</c> and the <c>np.random</c> calls they sample it with,
/// drawn from libtorch's generator (seeded by <c>--seed</c>) instead of NumPy's.
/// </summary>
internal static class KerasGanData
{
    /// <summary>
    /// Loads <c>(X_train, y_train)</c>: the repository's MNIST test split (10,000 images; it holds no training split),
    /// as <c>[n, 1, 28, 28]</c> images (NCHW; the originals' <c>np.expand_dims(X_train, axis=3)</c> gives NHWC) scaled to
    /// [−1, 1] by <c>(x − 127.5) / 127.5</c>, and labels <c>[n, 1]</c> (int64), as <c>y_train.reshape(-1, 1)</c>.
    /// </summary>
    /// <exception cref="DirectoryNotFoundException">tests/data/mnist is not found above the program's folder.</exception>
    public static (torch.Tensor Images, torch.Tensor Labels) LoadMnist()
    {
        string folder = FindMnist();
        using var data = Mnist.Load(folder, "t10k", flatten: false, name: "mnist");
        return (data.Features.detach().clone(), data.Labels!.reshape(-1, 1).detach().clone());
    }

    /// <summary><c>np.random.randint(0, high, size)</c>: int64 indices or labels, <c>[size]</c>.</summary>
    public static torch.Tensor RandInt(long high, long size) => torch.randint(0, high, new[] { size }, torch.int64);

    /// <summary><c>np.random.normal(0, 1, (rows, columns))</c>.</summary>
    public static torch.Tensor Normal(long rows, long columns) => torch.randn(rows, columns);

    /// <summary><c>np.ones((rows, 1))</c> or <c>np.zeros((rows, 1))</c>: the adversarial ground truths.</summary>
    public static torch.Tensor Truths(long rows, float value) => torch.full(new[] { rows, 1L }, value);

    /// <summary><c>to_categorical(labels, num_classes)</c>: one-hot float32 rows from int64 labels <c>[n]</c> or <c>[n, 1]</c>.</summary>
    public static torch.Tensor ToCategorical(torch.Tensor labels, int numClasses) =>
        torch.nn.functional.one_hot(labels.reshape(-1), numClasses).to_type(torch.float32);

    /// <summary><c>0.5 * np.add(real, fake)</c>: the element-wise mean of two <c>train_on_batch</c> results.</summary>
    public static double[] Mean(IReadOnlyList<double> real, IReadOnlyList<double> fake)
    {
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(fake);
        return real.Zip(fake, (a, b) => 0.5 * (a + b)).ToArray();
    }

    /// <summary>tests/data/mnist of the repository (the folder holding Gan.Keras.sln), found from the working directory or the program's folder.</summary>
    private static string FindMnist()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                string candidate = Path.Combine(dir.FullName, "tests", "data", "mnist");
                if (File.Exists(Path.Combine(dir.FullName, "Gan.Keras.sln")) && Mnist.HasSplit(candidate, "t10k")) return candidate;
            }
        }
        throw new DirectoryNotFoundException(
            "The Keras-GAN ports read MNIST's t10k split from the repository's tests/data/mnist, which was not found above the working directory or the program's folder. Run the port from inside the repository.");
    }
}
