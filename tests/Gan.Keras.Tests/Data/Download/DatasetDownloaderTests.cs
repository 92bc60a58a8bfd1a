using System.Security.Cryptography;
using Gan.Keras.Data;
using Gan.Keras.Data.Download;
using Xunit;

namespace Gan.Keras.Tests.Data.Download;

public class DatasetDownloaderTests
{
    [Fact]
    public void Catalog_DownloadsVerifiesAndLoadsMnist_FromLocalMirror()
    {
        // Given a mirror on 127.0.0.1 serving tests/data/mnist (re-compressed copies: accepted by content MD5) and an empty cache
        string mnist = TestData.Mnist();
        var files = Directory.GetFiles(mnist, "t10k-*.gz").ToDictionary(p => Path.GetFileName(p), File.ReadAllBytes);
        using var server = new LocalHttpServer(files);
        string cache = TestPaths.NewTempFolder();
        var reports = new List<DownloadProgress>();
        var options = new DatasetOptions { DataRoot = cache, Download = true, Mirror = server.BaseUrl, Split = "t10k", Progress = new SyncProgress(reports.Add) };

        // When the catalog loads MNIST's test split
        using var dataset = DatasetCatalog.Load("mnist", options);

        // Then both files were fetched, verified and renamed into place, nothing else is left, and progress was reported
        Assert.Equal(10_000, dataset.Count);
        Assert.Equal(new[] { "t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz" }, Directory.GetFiles(Path.Combine(cache, "mnist")).Select(Path.GetFileName).Order());
        Assert.Equal(files["t10k-images-idx3-ubyte.gz"], File.ReadAllBytes(Path.Combine(cache, "mnist", "t10k-images-idx3-ubyte.gz")));
        Assert.Contains(reports, r => r.File == "t10k-images-idx3-ubyte.gz" && r.Stage == DownloadStage.Done && r.BytesReceived == files["t10k-images-idx3-ubyte.gz"].Length);
        Assert.Contains(reports, r => r.Stage == DownloadStage.Verifying);
        Assert.Equal(2, server.Requests.Count);
    }

    [Fact]
    public void Catalog_RaisesChecksumErrorNamingTheFile_AndLeavesCacheEmpty_WhenMirrorServesCorruptFile()
    {
        // Given a mirror whose t10k images have one byte flipped in the middle of the compressed stream
        string mnist = TestData.Mnist();
        var images = File.ReadAllBytes(Path.Combine(mnist, "t10k-images-idx3-ubyte.gz"));
        images[images.Length / 2] ^= 0xFF;
        using var server = new LocalHttpServer(new Dictionary<string, byte[]>
        {
            ["t10k-images-idx3-ubyte.gz"] = images,
            ["t10k-labels-idx1-ubyte.gz"] = File.ReadAllBytes(Path.Combine(mnist, "t10k-labels-idx1-ubyte.gz")),
        });
        string cache = TestPaths.NewTempFolder();
        var options = new DatasetOptions { DataRoot = cache, Download = true, Mirror = server.BaseUrl, Split = "t10k" };

        // When the catalog downloads it
        var error = Assert.Throws<ChecksumMismatchException>(() => DatasetCatalog.Load("mnist", options));

        // Then the error names the file and its expected checksums, and the cache holds no file at all (no partial, no temp)
        Assert.Equal("t10k-images-idx3-ubyte.gz", error.FileName);
        Assert.Contains("t10k-images-idx3-ubyte.gz", error.Message, StringComparison.Ordinal);
        Assert.Contains("2646ac647ad5339dbf082846283269ea", error.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(cache, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public void Download_ResumesWithRangeRequest_AfterConnectionBreaks()
    {
        // Given a 300 kB file whose first response is cut after 100 kB, on a server that honours ranges
        var (name, bytes, checksum) = RandomFile(300_000);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes }, breakFirstResponseAfter: 100_000);
        string cache = TestPaths.NewTempFolder();
        using var downloader = new DatasetDownloader();

        // When the first attempt fails and the second one runs
        Assert.Throws<IOException>(() => downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, cache));
        long kept = new FileInfo(Path.Combine(cache, name + ".partial")).Length;
        var reports = new List<DownloadProgress>();
        string path = downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, cache, new SyncProgress(reports.Add));

        // Then the partial file was kept, the second request asked for the rest only, progress counted from the
        // resumed offset, and the file is whole
        Assert.InRange(kept, 1, bytes.Length - 1);
        Assert.Equal(kept, reports[0].ResumedFrom);
        Assert.Equal(bytes.Length, reports[0].TotalBytes);
        Assert.Equal(1.0, reports.Last().Fraction);
        Assert.Equal($"/data/{name}|bytes={kept}-", server.Requests.Last());
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(new[] { name }, Directory.GetFiles(cache).Select(Path.GetFileName));
    }

    [Fact]
    public void Download_RestartsFromFirstByte_WhenServerIgnoresRange()
    {
        // Given a server without range support whose first response breaks
        var (name, bytes, checksum) = RandomFile(200_000);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes }, supportsRange: false, breakFirstResponseAfter: 70_000);
        string cache = TestPaths.NewTempFolder();
        using var downloader = new DatasetDownloader();

        // When the download is run twice
        Assert.Throws<IOException>(() => downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, cache));
        string path = downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, cache);

        // Then the 200 answer replaced the partial bytes instead of being appended to them
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    [Fact]
    public void Download_RaisesClearOfflineError_WhenMirrorCannotBeReached()
    {
        // Given a mirror URL on a port where nothing listens
        var mirror = new Uri($"http://127.0.0.1:{LocalHttpServer.FreePort()}/data/");
        string cache = TestPaths.NewTempFolder();
        using var downloader = new DatasetDownloader();

        // When a file is downloaded from it
        var error = Assert.Throws<IOException>(() => downloader.Download(new RemoteFile("x.bin", new[] { FileChecksum.Sha256(new string('0', 64)) }), mirror, cache));

        // Then the message says the mirror cannot be reached and what to do, and names the file
        Assert.Contains("cannot be reached", error.Message, StringComparison.Ordinal);
        Assert.Contains("'x.bin'", error.Message, StringComparison.Ordinal);
        Assert.Contains("copy the file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Download_RaisesErrorWithStatus_WhenFileIsMissingOnMirror()
    {
        // Given a mirror that does not have the file
        using var server = new LocalHttpServer(new Dictionary<string, byte[]>());
        using var downloader = new DatasetDownloader();

        // When it is downloaded
        var error = Assert.Throws<IOException>(() => downloader.Download(new RemoteFile("absent.gz", new[] { FileChecksum.Md5(new string('0', 32)) }), server.BaseUrl, TestPaths.NewTempFolder()));

        // Then the message gives the URL and the status
        Assert.Contains("404", error.Message, StringComparison.Ordinal);
        Assert.Contains(server.BaseUrl + "absent.gz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Download_SkipsTheRequest_WhenAVerifiedCopyIsCached()
    {
        // Given a cache that already holds the file
        var (name, bytes, checksum) = RandomFile(10_000);
        string cache = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(cache, name), bytes);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes });
        using var downloader = new DatasetDownloader();

        // When it is downloaded again
        downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, cache);

        // Then no request reached the mirror
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Download_ReplacesCachedFile_WhenItFailsItsChecksum()
    {
        // Given a cached copy with different content
        var (name, bytes, checksum) = RandomFile(10_000);
        string cache = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(cache, name), new byte[] { 1, 2, 3 });
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes });
        using var downloader = new DatasetDownloader();

        // When it is downloaded
        string path = downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, cache);

        // Then the mirror's verified copy replaced it
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }

    internal static (string Name, byte[] Bytes, FileChecksum Checksum) RandomFile(int length)
    {
        var bytes = new byte[length];
        new Random(length).NextBytes(bytes);
        return ("blob.bin", bytes, FileChecksum.Sha256(Convert.ToHexString(SHA256.HashData(bytes))));
    }

    /// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, so reports could arrive after the test).</summary>
    internal sealed class SyncProgress(Action<DownloadProgress> report) : IProgress<DownloadProgress>
    {
        public void Report(DownloadProgress value) => report(value);
    }
}
