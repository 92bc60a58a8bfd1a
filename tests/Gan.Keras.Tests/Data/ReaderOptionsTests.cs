using System.Buffers.Binary;
using System.IO.Compression;
using Gan.Keras.Data;
using Gan.Keras.Tests.Cli;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

/// <summary>
/// The options every file reader shares — a limit, flattening, a name, prefetch and workers — and their refusals, for
/// IDX, CIFAR-10 and image folders, in memory and streamed.
/// </summary>
public class ReaderOptionsTests
{
    [Fact]
    public void StreamedIdx_ShapesFlatOrAsImages_NamesByFolderOrName_AndLimits()
    {
        // Given a raw t10k split of 12 images
        string folder = TinyMnist.Write(12);

        // When it is opened in each way
        using var images = StreamedIdx.Open(folder, "t10k");
        using var flat = StreamedIdx.Open(folder, "t10k", flatten: true, limit: 5, name: "digits");

        // Then
        Assert.Equal(new long[] { 1, 28, 28 }, images.ElementShape);
        Assert.Equal(new long[] { 784 }, flat.ElementShape);
        Assert.Equal(12, images.Count);
        Assert.Equal(5, flat.Count);
        Assert.Equal($"{Path.GetFileName(folder)}-t10k", images.Name);
        Assert.Equal("digits-t10k", flat.Name);
        Assert.Equal(new long[] { 5, 784 }, Assert.Single(flat.GetBatches(5, shuffle: false)).Features.shape);
    }

    [Fact]
    public void StreamedIdx_ReadsGzippedLabels_BesideRawImages()
    {
        // Given raw images and gzipped labels
        string folder = TinyMnist.Write(12);
        string labels = Path.Combine(folder, "t10k-labels-idx1-ubyte");
        using (var gzip = new GZipStream(File.Create(labels + ".gz"), CompressionLevel.Fastest))
            gzip.Write(File.ReadAllBytes(labels));
        File.Delete(labels);

        // When it is streamed
        using var streamed = StreamedIdx.Open(folder, "t10k");

        // Then the labels are read
        var batch = Assert.Single(streamed.GetBatches(12, shuffle: false));
        Assert.Equal(Enumerable.Range(0, 12).Select(i => (long)(i % 10)), batch.Labels!.data<long>().ToArray());
    }

    [Theory]
    [InlineData(0, 28, "declares 0 images of 28×28")]
    [InlineData(3, 0, "declares 3 images of 0×28")]
    public void StreamedIdx_RefusesAHeaderWithoutImagesOrRows_ThatItsLengthMatches(int count, int rows, string message)
    {
        // Given a header declaring no images, or images of no rows, in a file exactly that long (16 bytes)
        string folder = TinyMnist.Write(3);
        var header = new byte[16];
        BinaryPrimitives.WriteInt32BigEndian(header, 0x00000803);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), count);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), rows);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(12), 28);
        File.WriteAllBytes(Path.Combine(folder, "t10k-images-idx3-ubyte"), header);

        // Then it is refused
        var error = Assert.Throws<InvalidDataException>(() => StreamedIdx.Open(folder, "t10k"));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamedIdx_RefusesLabelsOfAnotherCount()
    {
        string folder = TinyMnist.Write(12);
        string other = TinyMnist.Write(11);
        File.Copy(Path.Combine(other, "t10k-labels-idx1-ubyte"), Path.Combine(folder, "t10k-labels-idx1-ubyte"), overwrite: true);

        var error = Assert.Throws<InvalidDataException>(() => StreamedIdx.Open(folder, "t10k"));

        Assert.Contains("holds 12 images but", error.Message, StringComparison.Ordinal);
        Assert.Contains("holds 11 labels", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamedReaders_RefuseNoFolder_NoLimit_NoPrefetch_AndNoWorkers()
    {
        string idx = TinyMnist.Write(4);
        string cifar = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(cifar, "test_batch.bin"), Cifar10Tests.Records(2, k => (byte)k));

        Assert.Equal("directory", Assert.Throws<ArgumentException>(() => StreamedIdx.Open("", "t10k")).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => StreamedIdx.Open(idx, "t10k", limit: 0)).ParamName);
        Assert.Equal("prefetch", Assert.Throws<ArgumentOutOfRangeException>(() => StreamedIdx.Open(idx, "t10k", prefetch: 0)).ParamName);
        Assert.Equal("workers", Assert.Throws<ArgumentOutOfRangeException>(() => StreamedIdx.Open(idx, "t10k", workers: 0)).ParamName);
        Assert.Equal("directory", Assert.Throws<ArgumentException>(() => StreamedCifar10.Open("", "test")).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => StreamedCifar10.Open(cifar, "test", limit: 0)).ParamName);
    }

    [Fact]
    public void StreamedCifar10_ShapesFlatOrAsImages_LimitsAcrossRecords_AndRefusesATruncatedFile()
    {
        // Given a test split of 5 records
        string folder = TestPaths.NewTempFolder();
        string file = Path.Combine(folder, "test_batch.bin");
        File.WriteAllBytes(file, Cifar10Tests.Records(5, k => (byte)k));

        // When it is streamed whole, flat and limited
        using var images = StreamedCifar10.Open(folder, "test");
        using var flat = StreamedCifar10.Open(folder, "test", flatten: true, limit: 2);
        using var all = StreamedCifar10.Open(folder, "test", limit: 5);

        // Then
        Assert.Equal(new long[] { 3, 32, 32 }, images.ElementShape);
        Assert.Equal(new long[] { 3072 }, flat.ElementShape);
        Assert.Equal((5L, 2L, 5L), (images.Count, flat.Count, all.Count));
        Assert.Equal(new long[] { 0, 1 }, Assert.Single(flat.GetBatches(2, shuffle: false)).Labels!.data<long>().ToArray());

        // And a file cut inside a record is refused when opened
        File.WriteAllBytes(file, Cifar10Tests.Records(5, k => (byte)k)[..^10]);
        Assert.Throws<InvalidDataException>(() => StreamedCifar10.Open(folder, "test"));
    }

    [Fact]
    public void StreamedCifar10_RefusesLabelTen_WhenItReadsTheRecord()
    {
        // Given a second record labelled 10, one past the last class
        string folder = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Cifar10Tests.Records(2, k => (byte)(k * 10)));
        using var streamed = StreamedCifar10.Open(folder, "test");

        // When it is read, then the label is refused, naming it
        var error = Assert.Throws<InvalidDataException>(() => streamed.GetBatches(2, shuffle: false).ToList());
        Assert.Contains("label 10", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Cifar10_NamesItsClassesAndSplit_LimitsAcrossFiles_AndRefusesNoFolderOrLimit()
    {
        string folder = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Cifar10Tests.Records(4, k => (byte)k));

        using var limited = Cifar10.Load(folder, "test", limit: 3);

        Assert.Equal(new[] { "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck" }, Cifar10.ClassNames);
        Assert.Equal("cifar10-test", limited.Name);
        Assert.Equal(new long[] { 0, 1, 2 }, limited.Labels!.data<long>().ToArray());
        Assert.Equal("directory", Assert.Throws<ArgumentException>(() => Cifar10.Load("", "test")).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => Cifar10.Load(folder, "test", limit: 0)).ParamName);
        Assert.Throws<DirectoryNotFoundException>(() => Cifar10.Load(Path.Combine(folder, "absent"), "test"));
    }

    [Fact]
    public void ImageFolder_ReadsJpegFiles_TakesTheFirstFilesByName_AndRefusesBadOptions()
    {
        // Given one class of a black .jpeg then a white .png, by name
        string root = TestPaths.NewTempFolder();
        ImageFolderTests.Write(Path.Combine(root, "only", "a.jpg"), 8, 8, SKColors.Black);
        File.Move(Path.Combine(root, "only", "a.jpg"), Path.Combine(root, "only", "a.jpeg"));
        ImageFolderTests.Write(Path.Combine(root, "only", "b.png"), 8, 8, SKColors.White);

        // When all and the first are loaded
        using var all = ImageFolder.Load(root, channels: 1);
        using var first = ImageFolder.Load(root, channels: 1, limit: 1);

        // Then both files are read, and the limit keeps the first by name
        Assert.Equal(2, all.Count);
        Assert.Equal(1, first.Count);
        Assert.True(first.Features.max().item<float>() < -0.9f, "a.jpeg (black) comes first");
        Assert.Equal("directory", Assert.Throws<ArgumentException>(() => ImageFolder.Load("")).ParamName);
        Assert.Equal("size", Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolder.Load(root, size: 0)).ParamName);
        Assert.Equal("limit", Assert.Throws<ArgumentOutOfRangeException>(() => ImageFolder.Load(root, limit: 0)).ParamName);
        Assert.Throws<DirectoryNotFoundException>(() => ImageFolder.Load(Path.Combine(root, "absent")));
    }
}
