using Gan.Keras.Data.Download;
using Xunit;

namespace Gan.Keras.Tests.Data.Download;

public class RemoteDatasetsTests
{
    [Fact]
    public void MnistsTestSplitChecksums_AcceptTheCommittedMnistT10k()
    {
        // Given the t10k files committed under tests/data/mnist (re-compressed, so only their content's MD5 can match)
        TestData.Mnist();
        var files = RemoteDatasets.Mnist.FilesFor("t10k");

        // Then each file is accepted by one of its checksums, and that is the checksum of its decompressed content
        Assert.Equal(new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" }, files.Select(f => f.Name));
        foreach (var file in files)
        {
            string path = Path.Combine(TestPaths.Mnist, file.Name);
            var accepting = Assert.Single(file.Checksums, c => c.Matches(path));
            Assert.True(accepting.OfDecompressedContent, $"{file.Name} accepted by {accepting}");
        }
    }

    [Fact]
    public void All_ListsTheFourCatalogDatasets_FoundByNameInAnyCase()
    {
        Assert.Equal(new[] { "mnist", "fashion-mnist", "kmnist", "cifar10" }, RemoteDatasets.All.Select(d => d.Name));
        foreach (var dataset in RemoteDatasets.All)
            Assert.Same(dataset, RemoteDatasets.Find(dataset.Name.ToUpperInvariant()));
        Assert.Null(RemoteDatasets.Find("imagenet"));
    }

    public static TheoryData<string> Names() => new() { "mnist", "fashion-mnist", "kmnist", "cifar10" };

    [Theory]
    [MemberData(nameof(Names))]
    public void EveryDataset_HasAWebMirror_ALicence_AndPlainFileNamesWithWellFormedChecksums(string name)
    {
        // Given
        var dataset = RemoteDatasets.Find(name)!;

        // Then the mirror is a web folder, the licence is named, and every file has checksums of the right lengths
        Assert.Contains(dataset.DefaultMirror.Scheme, new[] { "http", "https" });
        Assert.EndsWith("/", dataset.DefaultMirror.AbsolutePath, StringComparison.Ordinal);
        Assert.True(dataset.License.Length > 30, dataset.License);
        Assert.NotEmpty(dataset.Files);
        foreach (var file in dataset.Files)
        {
            Assert.Matches(@"^[a-z0-9][a-z0-9.-]*\.gz$", file.Name);
            Assert.NotEmpty(file.Checksums);
            foreach (var checksum in file.Checksums)
                Assert.Matches(checksum.Algorithm == ChecksumAlgorithm.Md5 ? "^[0-9a-f]{32}$" : "^[0-9a-f]{64}$", checksum.Hex);
            Assert.Equal(file.Checksums.Count, file.Checksums.Select(c => c.Hex).Distinct().Count());
        }
    }

    [Fact]
    public void IdxDatasets_HaveATrainAndATestSplit_OfImagesAndLabels_AndOnlyMnistAcceptsReCompressedFiles()
    {
        foreach (var dataset in new[] { RemoteDatasets.Mnist, RemoteDatasets.FashionMnist, RemoteDatasets.Kmnist })
        {
            foreach (string split in new[] { "train", "t10k" })
                Assert.Equal(
                    new[] { $"{split}-images-idx3-ubyte.gz", $"{split}-labels-idx1-ubyte.gz" },
                    dataset.FilesFor(split).Select(f => f.Name));
            int expectedChecksums = dataset == RemoteDatasets.Mnist ? 2 : 1;
            Assert.All(dataset.Files, file =>
            {
                Assert.Equal(expectedChecksums, file.Checksums.Count);
                Assert.False(file.Checksums[0].OfDecompressedContent);
                Assert.Equal(expectedChecksums == 2, file.Checksums.Any(c => c.OfDecompressedContent));
            });
        }
        Assert.Equal("cifar-10-binary.tar.gz", Assert.Single(RemoteDatasets.Cifar10.FilesFor("train")).Name);
    }
}
