using Gan.Keras.Data;
using TorchSharp;

namespace Gan.Keras.Examples.KerasPorts.KerasIo;

/// <summary>
/// Where the keras-io ports find their data: MNIST's t10k split in the repository's tests/data/mnist, Fashion-MNIST's
/// training split where it is installed (the <c>fashion-mnist</c> folder of <see cref="DatasetCatalog.DefaultDataRoot"/>),
/// and generated colour images (<see cref="ProceduralShapes"/>, in memory) where an original reads a photo folder.
/// </summary>
internal static class KerasIoData
{
    /// <summary>Gets the folder holding MNIST's t10k split: tests/data/mnist of the repository (the folder holding Gan.Keras.sln), found from the working directory or the program.</summary>
    public static string MnistFolder()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
                if (File.Exists(Path.Combine(dir.FullName, "Gan.Keras.sln")))
                    return Path.Combine(dir.FullName, "tests", "data", "mnist");
        throw new DirectoryNotFoundException(
            $"MNIST's t10k split is read from tests/data/mnist of the Gan.Keras repository, but no folder above '{Directory.GetCurrentDirectory()}' or '{AppContext.BaseDirectory}' holds Gan.Keras.sln. Run KerasPorts from inside the repository.");
    }

    /// <summary>
    /// Loads Fashion-MNIST's training split when it is installed, else MNIST's t10k split from the repository, as
    /// <c>[n, 1, 28, 28]</c> images in [−1, 1] with labels; <paramref name="limit"/> keeps the first ones.
    /// </summary>
    public static InMemoryDataset FashionMnistOrMnist(int? limit)
    {
        string fashion = Path.Combine(DatasetCatalog.DefaultDataRoot, "fashion-mnist");
        return Mnist.HasSplit(fashion, "train")
            ? Mnist.Load(fashion, "train", flatten: false, limit: limit, name: "fashion-mnist")
            : Mnist.Load(MnistFolder(), "t10k", flatten: false, limit: limit, name: "mnist");
    }

    /// <summary>Loads MNIST's t10k split from the repository as <c>[n, 1, 28, 28]</c> images in [−1, 1] with labels.</summary>
    public static InMemoryDataset Mnist10k(int? limit) => Mnist.Load(MnistFolder(), "t10k", flatten: false, limit: limit, name: "mnist");

    /// <summary>
    /// Draws <paramref name="count"/> colour images of <paramref name="side"/>² pixels whose shape is one of
    /// <paramref name="classes"/> (<see cref="ProceduralShapes.ClassNames"/> labels): <c>[count, 3, side, side]</c> in
    /// [−1, 1], generated in memory with the seed (no folder is read or written).
    /// </summary>
    public static torch.Tensor ColourShapes(int count, int side, IReadOnlyCollection<int> classes, long seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentNullException.ThrowIfNull(classes);
        // Every class is drawn in turn: draw enough to keep `count` of the chosen ones.
        int drawn = checked((count * ProceduralShapes.ClassNames.Count + classes.Count - 1) / classes.Count + ProceduralShapes.ClassNames.Count);
        using var shapes = ProceduralShapes.Load(drawn, seed, channels: 3, side: side);
        using var scope = torch.NewDisposeScope();
        var keep = shapes.Labels!.data<long>().ToArray()
            .Select((label, index) => (label, index))
            .Where(p => classes.Contains((int)p.label))
            .Take(count)
            .Select(p => (long)p.index)
            .ToArray();
        return shapes.Features.index_select(0, torch.tensor(keep)).MoveToOuterDisposeScope();
    }

    /// <summary>Describes the data in one line, for the port's first output line.</summary>
    public static string Describe(Dataset dataset) => $"{dataset.Count} images of '{dataset.Name}', shape [{string.Join(", ", dataset.ElementShape)}]";
}
