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
}
