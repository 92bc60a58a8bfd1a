using System.IO.Compression;
using System.Security.Cryptography;
using Gan.Keras.Data;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class MnistTests
{
    [Fact]
    public void Load_ReadsTheRealTestSet_ScaledToMinusOneOne()
    {
        string folder = TestData.Mnist();

        using var data = Mnist.Load(folder);

        Assert.Equal(10_000, data.Count);
        Assert.Equal(new long[] { 784 }, data.ElementShape);
        Assert.Equal(-1f, data.Features.min().item<float>());
        Assert.Equal(1f, data.Features.max().item<float>());
        Assert.Equal(7, data.Labels![0].item<long>());
    }

    [Fact]
    public void TheSharedImagesFile_HasTheDocumentedChecksum()
    {
        string folder = TestData.Mnist();
        using var file = File.OpenRead(Path.Combine(folder, "t10k-images-idx3-ubyte.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);

#pragma warning disable CA5351 // MD5 is what the data README publishes; it checks integrity, not security.
        string md5 = Convert.ToHexStringLower(MD5.HashData(gzip));
#pragma warning restore CA5351

        Assert.Equal("2646ac647ad5339dbf082846283269ea", md5);
    }

    [Fact]
    public void Load_NamesTheMissingFile()
    {
        string folder = TestPaths.NewTempFolder();

        var ex = Assert.Throws<FileNotFoundException>(() => Mnist.Load(folder));

        Assert.Contains("t10k-images-idx3-ubyte", ex.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void LoadData_NamesTheMissingTrainingFile_AndHowToGetIt()
    {
        // Given the repository's MNIST folder, which holds the t10k split only
        string folder = TestData.Mnist();

        // When
        var ex = Assert.Throws<FileNotFoundException>(() => Mnist.LoadData(folder));

        // Then
        Assert.Contains("train-images-idx3-ubyte.gz", ex.Message, StringComparison.Ordinal);
        Assert.Contains("DatasetCatalog.Download(\"mnist\", \"train\", folder)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadData_ReturnsBothSplits_AsKerasLoadData()
    {
        // Given a folder with both splits (the t10k files stand in for the training ones)
        string folder = TestPaths.NewTempFolder();
        foreach (var stem in new[] { "images-idx3-ubyte.gz", "labels-idx1-ubyte.gz" })
        {
            File.Copy(Path.Combine(TestData.Mnist(), "t10k-" + stem), Path.Combine(folder, "t10k-" + stem));
            File.Copy(Path.Combine(TestData.Mnist(), "t10k-" + stem), Path.Combine(folder, "train-" + stem));
        }

        // When they are loaded with Keras's pixel values
        var (train, test) = Mnist.LoadData(folder, raw: true);
        using (train)
        using (test)
        {
            // Then [1, 28, 28] images of 0–255 with their labels, named after their split
            Assert.Equal(10_000, train.Count);
            Assert.Equal(10_000, test.Count);
            Assert.Equal(new long[] { 1, 28, 28 }, test.ElementShape);
            Assert.Equal(0f, test.Features.min().item<float>());
            Assert.Equal(255f, test.Features.max().item<float>());
            Assert.Equal(7, test.Labels![0].item<long>());
            Assert.Equal("mnist-train", train.Name);
            Assert.Equal("mnist-t10k", test.Name);
        }
    }
}
