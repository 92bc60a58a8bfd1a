using System.IO.Compression;
using Gan.Keras.Data;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class IdxFileTests
{
    private static byte[] Images(int count, int rows, int cols, int dataBytes)
    {
        var header = new byte[] { 0, 0, 8, 3, 0, 0, 0, (byte)count, 0, 0, 0, (byte)rows, 0, 0, 0, (byte)cols };
        return header.Concat(Enumerable.Range(0, dataBytes).Select(i => (byte)i)).ToArray();
    }

    private static string Write(byte[] bytes, bool gzip)
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), gzip ? "x-idx3-ubyte.gz" : "x-idx3-ubyte");
        if (!gzip)
        {
            File.WriteAllBytes(path, bytes);
            return path;
        }
        using var file = File.Create(path);
        using var zip = new GZipStream(file, CompressionLevel.Fastest);
        zip.Write(bytes);
        return path;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Read_ParsesRawAndGzip(bool gzip)
    {
        string path = Write(Images(2, 2, 3, 12), gzip);

        var (shape, data) = IdxFile.Read(path, expectedDimensions: 3);

        Assert.Equal(new[] { 2, 2, 3 }, shape);
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (byte)i), data);
    }

    [Fact]
    public void Read_NamesTheFileAndSaysTruncated_WhenDataIsShort()
    {
        string path = Write(Images(2, 2, 3, 7), gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("should hold 12 data bytes", ex.Message, StringComparison.Ordinal);
        Assert.Contains("holds 7 (truncated)", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsBadMagic_AtByteZero()
    {
        var bytes = Images(1, 1, 1, 1);
        bytes[0] = 0x1f;
        bytes[1] = 0x00;
        string path = Write(bytes, gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains("bad magic number at byte 0", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RejectsWrongRank()
    {
        string path = Write(Images(1, 2, 2, 4), gzip: false);

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, expectedDimensions: 1));

        Assert.Contains("has 3 dimensions (byte 3), but 1 is expected", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_ReportsCorruptGzip_NamingTheFile()
    {
        string path = Write(Images(2, 2, 3, 12), gzip: true);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes.Take(bytes.Length / 2).ToArray());

        var ex = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesAGzipHeaderDeclaringMoreThanTheFileCanHold_BeforeAllocatingIt()
    {
        // Given a 36-byte gzip file whose IDX header declares 60,000 images of 28×28 (47 MB) and holds no data
        string path = Write([0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28], gzip: true);

        // When it is read
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then it is refused, naming the file, before the 47 MB are allocated
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("more data than its", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes");
    }

    [Fact]
    public void Read_RefusesAGzipBomb_AfterReadingWhatItsHeaderDeclares()
    {
        // Given a gzip file (about 100 KB) whose header declares one 1×1 image, followed by 100 MB of zeros
        string path = Path.Combine(TestPaths.NewTempFolder(), "bomb-idx3-ubyte.gz");
        using (var file = File.Create(path))
        using (var zip = new GZipStream(file, CompressionLevel.SmallestSize))
        {
            zip.Write(Images(1, 1, 1, 1));
            var zeros = new byte[1 << 20];
            for (int i = 0; i < 100; i++) zip.Write(zeros);
        }

        // When it is read
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path, expectedDimensions: 3));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then it is refused for its trailing bytes without decompressing them into memory
        Assert.Contains("trailing bytes", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes for a {new FileInfo(path).Length:N0}-byte file");
    }
}
