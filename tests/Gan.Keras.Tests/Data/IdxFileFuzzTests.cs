using Gan.Keras.Data;
using Gan.Keras.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Data;

public class IdxFileFuzzTests(ITestOutputHelper output)
{
    private static readonly IntegerField[] Header =
    [
        new(0, 4, FieldEncoding.Int32BigEndian, "magic"),
        new(4, 4, FieldEncoding.Int32BigEndian, "dimension 0"),
        new(8, 4, FieldEncoding.Int32BigEndian, "dimension 1"),
        new(12, 4, FieldEncoding.Int32BigEndian, "dimension 2"),
    ];

    /// <summary>Three 4×5 images: the 16-byte header then 60 pixel bytes.</summary>
    internal static byte[] ValidImages() =>
        [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5, .. Enumerable.Range(0, 60).Select(i => (byte)(i * 4))];

    /// <summary>Reads as <see cref="IdxFile.Read(string, int?)"/> does once the file is open: gzip detected by content.</summary>
    private static void Read(byte[] bytes, string path)
    {
        using var file = new MemoryStream(bytes, writable: false);
        IdxFile.Read(file, path, expectedDimensions: 3);
    }

    [Fact]
    public void Read_RaisesInvalidDataNamingTheFile_ForEveryMutationOfARawFile()
    {
        // Given 10,000 mutations of a raw IDX image file
        string path = FuzzFile.NewPath("fuzz-images-idx3-ubyte");
        var target = new FuzzTarget("IDX (raw)", path, ValidImages(), m => m.Mutate(ValidImages(), Header), bytes => Read(bytes, path));

        // When each is read
        var report = FuzzHarness.Run(target);

        // Then every one was read or refused with InvalidDataException naming the file, quickly and within its size
        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 8_093, accepted: 1_907);
    }

    [Fact]
    public void Read_RaisesInvalidDataNamingTheFile_ForEveryMutationOfAGzippedFile()
    {
        // Given 10,000 gzipped IDX files: mutated then compressed (the header and data) or compressed then mutated (the gzip stream)
        string path = FuzzFile.NewPath("fuzz-images-idx3-ubyte.gz");
        byte[] valid = FuzzFile.Gzip(ValidImages());
        var target = new FuzzTarget("IDX (gzip)", path, valid, Generate, bytes => Read(bytes, path))
        {
            // Deflate expands at most 1,032:1, so a gzip file may legitimately decompress to ~1,000 times its size.
            AllocationBound = length => 1100 * length + (1 << 20),
        };

        // When each is read
        var report = FuzzHarness.Run(target);

        // Then every one was read or refused with InvalidDataException naming the file
        Mutation Generate(Mutator m)
        {
            if (m.Random.Next(2) == 0) return m.Mutate(valid, FuzzFile.GzipTrailer(valid.Length));
            var raw = m.Mutate(ValidImages(), Header);
            return new Mutation($"gzip of ({raw.Description})", FuzzFile.Gzip(raw.Bytes));
        }

        output.WriteLine(report.ToString());
        report.AssertCounts(rejected: 8_811, accepted: 1_189);
    }
}
