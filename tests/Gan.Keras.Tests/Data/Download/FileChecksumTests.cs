using System.IO.Compression;
using Gan.Keras.Data.Download;
using Xunit;

namespace Gan.Keras.Tests.Data.Download;

public class FileChecksumTests
{
    [Fact]
    public void Compute_DigestsTheFile_OrItsGzipContent_InLowercaseHex()
    {
        // Given "abc", gzipped
        string path = Path.Combine(TestPaths.NewTempFolder(), "abc.gz");
        using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Optimal))
            gzip.Write("abc"u8);

        // Then the content digests are the published ones of "abc"; the file's own differ
        Assert.Equal("900150983cd24fb0d6963f7d28e17f72", FileChecksum.Md5OfContent("").Compute(path));
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", (FileChecksum.Sha256("") with { OfDecompressedContent = true }).Compute(path));
        Assert.NotEqual("900150983cd24fb0d6963f7d28e17f72", FileChecksum.Md5("").Compute(path));
        Assert.True(FileChecksum.Md5OfContent("900150983CD24FB0D6963F7D28E17F72").Matches(path));
        Assert.False(FileChecksum.Md5OfContent("900150983cd24fb0d6963f7d28e17f73").Matches(path));
    }

    [Fact]
    public void Matches_IsFalse_ForAContentChecksumOfAFileThatIsNotGzip()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "plain.bin");
        File.WriteAllText(path, "abc");

        Assert.False(FileChecksum.Md5OfContent("900150983cd24fb0d6963f7d28e17f72").Matches(path));
        Assert.True(FileChecksum.Md5("900150983cd24fb0d6963f7d28e17f72").Matches(path));
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => FileChecksum.Md5("00").Compute("")).ParamName);
    }

    [Fact]
    public void ToString_NamesTheAlgorithm_WhetherOfTheContent_AndTheLowercaseDigest()
    {
        Assert.Equal("md5:abc0", FileChecksum.Md5("ABC0").ToString());
        Assert.Equal("md5(content):abc0", FileChecksum.Md5OfContent("abc0").ToString());
        Assert.Equal("sha256:def1", FileChecksum.Sha256("DEF1").ToString());
    }
}
