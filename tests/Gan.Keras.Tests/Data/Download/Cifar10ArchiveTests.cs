using System.Formats.Tar;
using System.IO.Compression;
using Gan.Keras.Data;
using Gan.Keras.Data.Download;
using Xunit;

namespace Gan.Keras.Tests.Data.Download;

public class Cifar10ArchiveTests
{
    [Fact]
    public void Extract_WritesOnlyKnownMembers_ThatCifar10Loads()
    {
        // Given a .tar.gz laid out like cifar-10-binary.tar.gz, plus a member trying to escape the folder
        string folder = TestPaths.NewTempFolder();
        string archive = Path.Combine(folder, "cifar-10-binary.tar.gz");
        WriteArchive(archive, new Dictionary<string, byte[]>
        {
            ["cifar-10-batches-bin/data_batch_1.bin"] = Cifar10Tests.Records(2, _ => 3),
            ["cifar-10-batches-bin/data_batch_2.bin"] = Cifar10Tests.Records(1, _ => 4),
            ["cifar-10-batches-bin/data_batch_3.bin"] = Cifar10Tests.Records(1, _ => 4),
            ["cifar-10-batches-bin/data_batch_4.bin"] = Cifar10Tests.Records(1, _ => 4),
            ["cifar-10-batches-bin/data_batch_5.bin"] = Cifar10Tests.Records(1, _ => 4),
            ["cifar-10-batches-bin/test_batch.bin"] = Cifar10Tests.Records(1, _ => 9),
            ["cifar-10-batches-bin/../../evil.bin"] = new byte[] { 1 },
        });

        // When it is extracted and loaded
        string extracted = Cifar10Archive.Extract(archive, folder);
        using var train = Cifar10.Load(folder, "train");

        // Then the six data files are there, nothing escaped, and the records load
        Assert.Equal(6, Directory.GetFiles(extracted).Length);
        Assert.False(File.Exists(Path.Combine(folder, "..", "evil.bin")));
        Assert.Equal(6, train.Count);
    }

    [Fact]
    public void Extract_RaisesError_WhenArchiveLacksDataFiles()
    {
        // Given an archive with only the test batch
        string folder = TestPaths.NewTempFolder();
        string archive = Path.Combine(folder, "c.tar.gz");
        WriteArchive(archive, new Dictionary<string, byte[]> { ["cifar-10-batches-bin/test_batch.bin"] = Cifar10Tests.Records(1, _ => 0) });

        // When it is extracted
        var error = Assert.Throws<InvalidDataException>(() => Cifar10Archive.Extract(archive, folder));

        // Then the message names the missing files
        Assert.Contains("data_batch_1.bin", error.Message, StringComparison.Ordinal);
    }

    private static void WriteArchive(string path, IReadOnlyDictionary<string, byte[]> members)
    {
        using var file = File.Create(path);
        using var gzip = new GZipStream(file, CompressionLevel.Fastest);
        using var tar = new TarWriter(gzip, TarEntryFormat.Pax);
        foreach (var (name, bytes) in members)
            tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(bytes) });
    }
}
