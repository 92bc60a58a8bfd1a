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
    public static InMemoryDataset Load(string directory, string split = "t10k", bool flatten = true, int? limit = null, string? name = null) =>
        LoadSplit(directory, split, flatten, limit, name, raw: false);

    /// <summary>
    /// Loads both splits, as Keras's <c>keras.datasets.mnist.load_data()</c> returns <c>(x_train, y_train), (x_test, y_test)</c>:
    /// the 60,000 training and 10,000 test images with their labels, as <c>[1, 28, 28]</c> images (NCHW) by default.
    /// </summary>
    /// <param name="directory">The folder with the four IDX files (raw or <c>.gz</c>); by default the <c>mnist</c> folder of
    /// <see cref="DatasetCatalog.DefaultDataRoot"/>, where <see cref="DatasetCatalog.Download"/> puts them.</param>
    /// <param name="flatten">Whether images are <c>[784]</c> rather than <c>[1, 28, 28]</c>.</param>
    /// <param name="raw">Whether pixels keep Keras's values 0–255 (as floats) for scripts that scale them themselves
    /// (<c>x / 127.5 − 1</c>, <c>x / 255</c>); by default they are scaled to [−1, 1] as <see cref="Load"/> does.</param>
    /// <exception cref="FileNotFoundException">A split's file is missing; the message names it and how to get it.</exception>
    /// <remarks>Keras downloads missing files itself; here the files are fetched explicitly (<see cref="DatasetCatalog.Download"/>),
    /// and nothing is read from the network while loading. The repository's test data holds the t10k split only.</remarks>
    public static (InMemoryDataset Train, InMemoryDataset Test) LoadData(string? directory = null, bool flatten = false, bool raw = false)
    {
        directory ??= Path.Combine(DatasetCatalog.DefaultDataRoot, "mnist");
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"MNIST folder '{directory}' does not exist. Fetch both splits into it with DatasetCatalog.Download(\"mnist\", \"train\", folder) and DatasetCatalog.Download(\"mnist\", \"t10k\", folder).");
        foreach (var split in new[] { "train", "t10k" })
            foreach (var stem in new[] { $"{split}-images-idx3-ubyte", $"{split}-labels-idx1-ubyte" })
                if (!File.Exists(Path.Combine(directory, stem)) && !File.Exists(Path.Combine(directory, stem + ".gz")))
                    throw new FileNotFoundException(
                        $"MNIST's {(split == "train" ? "training" : "test")} split is incomplete in '{directory}': neither '{stem}.gz' nor '{stem}' is there. " +
                        $"Fetch it with DatasetCatalog.Download(\"mnist\", \"{split}\", folder) (MNIST, CC BY-SA 3.0), or copy the four IDX files into the folder.",
                        Path.Combine(directory, stem + ".gz"));
        var train = LoadSplit(directory, "train", flatten, null, "mnist", raw);
        try
        {
            return (train, LoadSplit(directory, "t10k", flatten, null, "mnist", raw));
        }
        catch
        {
            train.Dispose();
            throw;
        }
    }

    private static InMemoryDataset LoadSplit(string directory, string split, bool flatten, int? limit, string? name, bool raw)
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
        var pixelValues = torch.tensor(pixels.AsSpan(0, count * pixelsPerImage).ToArray(), new long[] { count, pixelsPerImage }, torch.uint8);
        var scaled = raw ? pixelValues.to_type(torch.float32) : pixelValues.to_type(torch.float32).div_(127.5).sub_(1.0);
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
