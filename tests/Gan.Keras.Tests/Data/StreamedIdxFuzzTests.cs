using Gan.Keras.Data;
using Gan.Keras.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Data;

public class StreamedIdxFuzzTests(ITestOutputHelper output)
{
    private static readonly IntegerField[] Header =
    [
        new(0, 4, FieldEncoding.Int32BigEndian, "magic"),
        new(4, 4, FieldEncoding.Int32BigEndian, "image count"),
        new(8, 4, FieldEncoding.Int32BigEndian, "rows"),
        new(12, 4, FieldEncoding.Int32BigEndian, "columns"),
    ];

    [Fact]
    public void Open_RaisesInvalidDataNamingTheFile_ForEveryMutationOfTheRawImagesFile()
    {
        // Given a split folder with three labels, and 10,000 mutations of its raw three-image file (counts and sizes set to extremes)
        using var folder = new FuzzFolder();
        File.WriteAllBytes(folder.File("train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 3, 1, 2, 3]);
        string path = folder.File("train-images-idx3-ubyte");
        byte[] valid = IdxFileFuzzTests.ValidImages();
        var target = new FuzzTarget("IDX (streamed raw images)", path, valid, m => m.Mutate(valid, Header), bytes =>
        {
            File.WriteAllBytes(path, bytes);
            using var data = StreamedIdx.Open(folder.Path, "train", workers: 1);
        });

        // When each is opened for streaming
        var report = FuzzHarness.Run(target);

        // Then every one was opened or refused with InvalidDataException naming the file
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 8_093, accepted: 1_907);
    }

    [Fact]
    public void Open_RefusesAHeaderWhoseSizeWrapsAroundToTheFileLength()
    {
        // Given 16 labels and a 16-byte images file declaring 16 images of 2³⁰ × 2³⁰ (16 · 2⁶⁰ bytes, 16 modulo 2⁶⁴)
        using var folder = new FuzzFolder();
        File.WriteAllBytes(folder.File("train-labels-idx1-ubyte"), [0, 0, 8, 1, 0, 0, 0, 16, .. new byte[16]]);
        File.WriteAllBytes(folder.File("train-images-idx3-ubyte"), [0, 0, 8, 3, 0, 0, 0, 16, 0x40, 0, 0, 0, 0x40, 0, 0, 0]);

        // When it is opened
        var error = Assert.Throws<InvalidDataException>(() => StreamedIdx.Open(folder.Path, "train"));

        // Then it is refused as not matching its length (it passed as a long product, then overflowed the element size)
        Assert.Contains("declares 16 images of 1073741824×1073741824", error.Message, StringComparison.Ordinal);
    }
}
