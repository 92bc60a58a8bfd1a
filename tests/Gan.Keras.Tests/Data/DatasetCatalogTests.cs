using Gan.Keras.Data;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class DatasetCatalogTests
{
    [Theory]
    [InlineData("ring8", 2L)]
    [InlineData("grid25", 2L)]
    [InlineData("SHAPES", 784L)]
    public void Load_BuildsBuiltInDatasets_ByName(string name, long features)
    {
        // Given / When a built-in dataset is loaded by name with a count and a seed
        using var data = DatasetCatalog.Load(name, new DatasetOptions { Count = 200, Seed = 4, Flatten = true });

        // Then it has that many examples of the expected width
        Assert.Equal(new[] { 200L, features }, data.Features.shape);
    }

    [Fact]
    public void Load_RaisesErrorListingChoices_WhenNameIsUnknown()
    {
        // Given / When an unknown name that is not a folder either
        var error = Assert.Throws<ArgumentException>(() => DatasetCatalog.Load("imagenet"));

        // Then the message lists the names and the folder option
        Assert.Contains("ring8", error.Message, StringComparison.Ordinal);
        Assert.Contains("cifar10", error.Message, StringComparison.Ordinal);
        Assert.Contains("folder", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SaysHowToDownload_WhenFileDatasetIsAbsent()
    {
        // Given an empty cache and no download
        var options = new DatasetOptions { DataRoot = TestPaths.NewTempFolder() };

        // When Fashion-MNIST and CIFAR-10 are loaded
        var idx = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Load("fashion-mnist", options));
        var cifar = Assert.Throws<FileNotFoundException>(() => DatasetCatalog.Load("cifar10", options));

        // Then each message names the expected files, the folder and the Download option
        Assert.Contains("train-images-idx3-ubyte", idx.Message, StringComparison.Ordinal);
        Assert.Contains("DatasetOptions.Download", idx.Message, StringComparison.Ordinal);
        Assert.Contains(options.DataRoot!, idx.Message, StringComparison.Ordinal);
        Assert.Contains("data_batch_1.bin", cifar.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_FallsBackToTestSplitWithWarning_WhenFolderHasNoTrainingSplit()
    {
        // Given tests/data/mnist, which holds only t10k
        string mnist = TestData.Mnist();

        // When "mnist:<folder>" is loaded without a split
        InMemoryDataset? data = null;
        var warnings = WarningCapture.During(() => data = DatasetCatalog.Load($"mnist:{mnist}", new DatasetOptions { Flatten = true, Limit = 100 }));
        using var loaded = data!;

        // Then the t10k split is loaded, flattened, and a warning says so
        Assert.Equal(new long[] { 100, 784 }, loaded.Features.shape);
        Assert.Equal("mnist-t10k", loaded.Name);
        Assert.Contains(warnings, w => w.Contains("t10k", StringComparison.Ordinal));
    }

    [Fact]
    public void Load_ReadsImageFolder_ByPath()
    {
        // Given a folder with one class
        string root = TestPaths.NewTempFolder();
        ImageFolderTests.Write(Path.Combine(root, "only", "1.png"), 28, 28, SkiaSharp.SKColors.Black);

        // When the catalog is given its path
        using var data = DatasetCatalog.Load(root, new DatasetOptions { Channels = 1 });

        // Then it loads it as an image folder
        Assert.Equal(new long[] { 1, 1, 28, 28 }, data.Features.shape);
    }
}
