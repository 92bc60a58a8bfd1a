using TorchSharp;

namespace Gan.Keras.Data;

/// <summary>Loads MNIST-format datasets (MNIST, Fashion-MNIST, KMNIST) from a folder of IDX files.</summary>
public static class Mnist
{
    /// <summary>
    /// Loads a split as float32 images scaled to [−1, 1] (<c>x / 127.5 − 1</c>, for tanh generators), with labels.
    /// </summary>
    /// <param name="directory">The folder holding <c>{split}-images-idx3-ubyte[.gz]</c> and <c>{split}-labels-idx1-ubyte[.gz]</c>.</param>
    /// <param name="split"><c>t10k</c> (test set) or <c>train</c>.</param>
    /// <param name="flatten">Whether images are <c>[784]</c> (for MLPs) or <c>[1, 28, 28]</c> (NCHW, for convolutions).</param>
    /// <param name="limit">Optional number of images to keep (the first ones).</param>
    /// <param name="name">The dataset's name prefix (<c>mnist</c>, <c>fashion-mnist</c>, <c>kmnist</c>); the folder's name when null.</param>
    public static InMemoryDataset Load(string directory, string split = "t10k", bool flatten = true, int? limit = null, string? name = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"MNIST folder '{directory}' does not exist. Point to the folder with {split}-images-idx3-ubyte.gz.");
        string images = Find(directory, $"{split}-images-idx3-ubyte");
        string labels = Find(directory, $"{split}-labels-idx1-ubyte");
        var (imageShape, pixels) = IdxFile.Read(images, expectedDimensions: 3);
        var (labelShape, classes) = IdxFile.Read(labels, expectedDimensions: 1);
        if (labelShape[0] != imageShape[0])
            throw new InvalidDataException($"'{images}' holds {imageShape[0]} images but '{labels}' holds {labelShape[0]} labels.");
        int count = Math.Min(imageShape[0], limit ?? int.MaxValue);
        int pixelsPerImage = imageShape[1] * imageShape[2];
        using var scope = torch.NewDisposeScope();
        var raw = torch.tensor(pixels.AsSpan(0, count * pixelsPerImage).ToArray(), new long[] { count, pixelsPerImage }, torch.uint8);
        var scaled = raw.to_type(torch.float32).div_(127.5).sub_(1.0);
        var features = flatten ? scaled : scaled.reshape(count, 1, imageShape[1], imageShape[2]);
        var labelTensor = torch.tensor(classes.AsSpan(0, count).ToArray(), torch.uint8).to_type(torch.int64);
        return new InMemoryDataset(features, labelTensor, $"{name ?? Path.GetFileName(Path.GetFullPath(directory).TrimEnd(Path.DirectorySeparatorChar))}-{split}");
    }

    /// <summary>Gets whether <paramref name="directory"/> holds both IDX files of a split (raw or <c>.gz</c>).</summary>
    public static bool HasSplit(string directory, string split) =>
        Directory.Exists(directory) &&
        new[] { $"{split}-images-idx3-ubyte", $"{split}-labels-idx1-ubyte" }.All(stem => File.Exists(Path.Combine(directory, stem)) || File.Exists(Path.Combine(directory, stem + ".gz")));

    private static string Find(string directory, string stem)
    {
        foreach (var candidate in new[] { stem + ".gz", stem })
        {
            string path = Path.Combine(directory, candidate);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"'{directory}' has neither '{stem}.gz' nor '{stem}'.", Path.Combine(directory, stem + ".gz"));
    }
}
