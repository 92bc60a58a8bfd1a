using Gan.Keras.Data;
using Xunit;

namespace Gan.Keras.Tests.Data;

/// <summary>
/// Where <see cref="DatasetCatalog"/> looks for a dataset (the cache folder and its environment variables, a
/// <c>name:folder</c>, CIFAR-10's own subfolder), and how its options shape what it loads or streams.
/// </summary>
public class DatasetCatalogLocationsTests
{
    [Fact]
    public void DefaultDataRoot_IsGanKerasData_ElseTheXdgCache_ElseTheHomeCache()
    {
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        using (new EnvironmentVariables(("GAN_KERAS_DATA", "/data/gan"), ("XDG_CACHE_HOME", "/cache")))
            Assert.Equal("/data/gan", DatasetCatalog.DefaultDataRoot);
        using (new EnvironmentVariables(("GAN_KERAS_DATA", ""), ("XDG_CACHE_HOME", "/cache")))
            Assert.Equal(Path.Combine("/cache", "gan-keras", "datasets"), DatasetCatalog.DefaultDataRoot);
        using (new EnvironmentVariables(("GAN_KERAS_DATA", null), ("XDG_CACHE_HOME", null)))
            Assert.Equal(Path.Combine(home, ".cache", "gan-keras", "datasets"), DatasetCatalog.DefaultDataRoot);
    }

    [Fact]
    public void Load_ReadsAFileDataset_FromItsFolderInTheDataRoot_OrInTheDefaultOne()
    {
        // Given MNIST t10k in <root>/mnist
        string root = TestPaths.NewTempFolder();
        CopyMnistT10k(Path.Combine(root, "mnist"));
        var options = new DatasetOptions { Split = "t10k", Limit = 10 };

        // When it is loaded by name, with the root given and with the root from GAN_KERAS_DATA
        using var given = DatasetCatalog.Load("MNIST", options with { DataRoot = root });
        using var byDefault = WithDataRoot(root, () => DatasetCatalog.Load("mnist", options));

        // Then both read it
        Assert.Equal(new long[] { 10, 1, 28, 28 }, given.Features.shape);
        Assert.Equal(new long[] { 10, 1, 28, 28 }, byDefault.Features.shape);
    }

    [Fact]
    public void Load_RefusesASplitTheIdxDatasetsDoNotHave_NamingTheirSplits()
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetCatalog.Load($"mnist:{TestData.Mnist()}", new DatasetOptions { Split = "valid" }));

        Assert.Contains("'train' and 't10k', not 'valid'", error.Message, StringComparison.Ordinal);
        Assert.Equal("options", error.ParamName);
    }

    [Theory]
    [InlineData("ring8", 30, 30)]
    [InlineData("grid25", 30, 30)]
    [InlineData("shapes", 30, 30)]
    [InlineData("ring8", 500, 100)]
    public void Load_TakesTheFirstLimitExamples_OfABuiltInDataset(string name, int limit, long expected)
    {
        // Given / When 100 examples are drawn with a limit
        using var all = DatasetCatalog.Load(name, new DatasetOptions { Count = 100, Seed = 2 });
        using var limited = DatasetCatalog.Load(name, new DatasetOptions { Count = 100, Seed = 2, Limit = limit });

        // Then there are at most that many, the first ones drawn
        Assert.Equal(expected, limited.Count);
        Assert.True(limited.Features.eq(all.Features.narrow(0, 0, expected)).all().item<bool>());
    }

    [Fact]
    public void Load_DrawsShapes_InTheChannelsAndSideAsked_OrGrayAt28()
    {
        using var asked = DatasetCatalog.Load("shapes", new DatasetOptions { Count = 4, Channels = 3, ImageSize = 20 });
        using var plain = DatasetCatalog.Load("shapes", new DatasetOptions { Count = 4 });

        Assert.Equal(new long[] { 4, 3, 20, 20 }, asked.Features.shape);
        Assert.Equal(new long[] { 4, 1, 28, 28 }, plain.Features.shape);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Load_FindsCifar10_InTheFolderGiven_OrInItsBatchesSubfolder(bool inSubfolder)
    {
        // Given a CIFAR-10 test split of 3 records, in the folder or in its cifar-10-batches-bin
        string root = TestPaths.NewTempFolder();
        string folder = inSubfolder ? Path.Combine(root, "cifar-10-batches-bin") : root;
        Directory.CreateDirectory(folder);
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Cifar10Tests.Records(3, k => (byte)k));

        // When it is loaded by name and folder, and from the data root
        using var named = DatasetCatalog.Load($"cifar10:{root}", new DatasetOptions { Split = "test" });
        string dataRoot = TestPaths.NewTempFolder();
        Directory.Move(root, Path.Combine(dataRoot, "cifar10"));
        using var fromRoot = DatasetCatalog.Load("cifar10", new DatasetOptions { Split = "test", DataRoot = dataRoot });

        // Then both read the three records
        Assert.Equal(new long[] { 0, 1, 2 }, named.Labels!.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 2 }, fromRoot.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void Open_Streams_WhatCanBeReadBatchByBatch_AndLoadsTheRest()
    {
        // Given an image folder, a CIFAR-10 folder and the built-in ring
        string images = TestPaths.NewTempFolder();
        ImageFolderTests.Write(Path.Combine(images, "only", "1.png"), 8, 8, SkiaSharp.SKColors.White);
        string cifar = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(cifar, "test_batch.bin"), Cifar10Tests.Records(2, k => (byte)k));
        var stream = new DatasetOptions { Stream = true, Split = "test", Count = 10 };

        // Then with Stream the folders are streamed, CIFAR-10 only at its own size and channels; without it, loaded
        using (var d = DatasetCatalog.Open(images, stream)) Assert.IsType<StreamedImageFolder>(d);
        using (var d = DatasetCatalog.Open(images, stream with { Stream = false })) Assert.IsType<InMemoryDataset>(d);
        using (var d = DatasetCatalog.Open($"cifar10:{cifar}", stream)) Assert.IsType<StreamedCifar10>(d);
        using (var d = DatasetCatalog.Open($"cifar10:{cifar}", stream with { ImageSize = 32, Channels = 3 })) Assert.IsType<StreamedCifar10>(d);
        using (var d = DatasetCatalog.Open($"cifar10:{cifar}", stream with { ImageSize = 16 })) Assert.IsType<InMemoryDataset>(d);
        using (var d = DatasetCatalog.Open($"cifar10:{cifar}", stream with { Channels = 1 })) Assert.IsType<InMemoryDataset>(d);
        using (var d = DatasetCatalog.Open("ring8", stream)) Assert.IsType<InMemoryDataset>(d);
    }

    [Fact]
    public void Download_RefusesADatasetThatCannotBeDownloaded_NamingThoseThatCan()
    {
        var error = Assert.Throws<ArgumentException>(() => DatasetCatalog.Download("shapes"));

        Assert.Contains("'shapes' cannot be downloaded. Downloadable: mnist, fashion-mnist, kmnist, cifar10.", error.Message, StringComparison.Ordinal);
        Assert.Equal("name", error.ParamName);
    }

    private static void CopyMnistT10k(string folder)
    {
        Directory.CreateDirectory(folder);
        foreach (string file in Directory.GetFiles(TestData.Mnist()))
            File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
    }

    private static T WithDataRoot<T>(string root, Func<T> load)
    {
        using (new EnvironmentVariables(("GAN_KERAS_DATA", root)))
            return load();
    }

    /// <summary>Sets environment variables (null: unset) for this process until disposed, then restores them.</summary>
    private sealed class EnvironmentVariables : IDisposable
    {
        private readonly (string Name, string? Value)[] previous;

        public EnvironmentVariables(params (string Name, string? Value)[] variables)
        {
            previous = variables.Select(v => (v.Name, Environment.GetEnvironmentVariable(v.Name))).ToArray();
            foreach (var (name, value) in variables) Environment.SetEnvironmentVariable(name, value);
        }

        public void Dispose()
        {
            foreach (var (name, value) in previous) Environment.SetEnvironmentVariable(name, value);
        }
    }
}
