using Gan.Keras.Data.Download;
using Xunit;
using static Gan.Keras.Tests.Data.Download.DatasetDownloaderTests;

namespace Gan.Keras.Tests.Data.Download;

/// <summary>
/// The downloader's refusals, its progress reports, a mirror given without its trailing slash, a partial file the server
/// finds too long, and whose HTTP client it disposes.
/// </summary>
public class DatasetDownloaderEdgeTests
{
    [Fact]
    public void StallTimeout_Is30Seconds_UnlessGiven_AndMustBePositive()
    {
        using (var byDefault = new DatasetDownloader()) Assert.Equal(TimeSpan.FromSeconds(30), byDefault.StallTimeout);
        using (var given = new DatasetDownloader(stallTimeout: TimeSpan.FromSeconds(2))) Assert.Equal(TimeSpan.FromSeconds(2), given.StallTimeout);
        Assert.Equal("stallTimeout", Assert.Throws<ArgumentOutOfRangeException>(() => new DatasetDownloader(stallTimeout: TimeSpan.Zero)).ParamName);
    }

    public static TheoryData<string> UnsafeNames() => new() { "a/b.gz", "a\\b.gz", ".hidden" };

    [Theory]
    [MemberData(nameof(UnsafeNames))]
    public void Download_RefusesAFileNameThatIsNotPlain(string name)
    {
        using var downloader = new DatasetDownloader();

        var error = Assert.Throws<ArgumentException>(() => downloader.Download(new RemoteFile(name, new[] { FileChecksum.Md5(new string('0', 32)) }), new Uri("http://127.0.0.1/"), TestPaths.NewTempFolder()));

        Assert.Contains($"'{name}' must be a plain file name", error.Message, StringComparison.Ordinal);
        Assert.Equal("file", error.ParamName);
    }

    [Fact]
    public void Download_RefusesMissingArguments_AndAFileWithoutChecksum()
    {
        using var downloader = new DatasetDownloader();
        var file = new RemoteFile("x.gz", new[] { FileChecksum.Md5(new string('0', 32)) });
        var mirror = new Uri("http://127.0.0.1/");
        string folder = TestPaths.NewTempFolder();

        Assert.Equal("file", Assert.Throws<ArgumentNullException>(() => downloader.Download(null!, mirror, folder)).ParamName);
        Assert.Equal("mirror", Assert.Throws<ArgumentNullException>(() => downloader.Download(file, null!, folder)).ParamName);
        Assert.Equal("directory", Assert.Throws<ArgumentException>(() => downloader.Download(file, mirror, "")).ParamName);
        var unverified = Assert.Throws<ArgumentException>(() => downloader.Download(file with { Checksums = [] }, mirror, folder));
        Assert.Contains("'x.gz' has no checksum", unverified.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Download_KeepsACachedCopy_ThatOnlyOneOfItsChecksumsAccepts()
    {
        // Given a cached file and two checksums, the first of another file
        var (name, bytes, checksum) = RandomFile(5_000);
        string cache = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(cache, name), bytes);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes });
        using var downloader = new DatasetDownloader();
        var reports = new List<DownloadProgress>();

        // When it is downloaded
        downloader.Download(new RemoteFile(name, new[] { FileChecksum.Md5(new string('0', 32)), checksum }), server.BaseUrl, cache, new SyncProgress(reports.Add));

        // Then nothing is fetched, and the one report says it is done, at its length
        Assert.Empty(server.Requests);
        Assert.Equal(new DownloadProgress(name, 5_000, 5_000, 0, DownloadStage.Done), Assert.Single(reports));
    }

    [Fact]
    public void Download_ReportsProgressEveryQuarterMebibyte_ThenVerifyingAndDone()
    {
        // Given a 1 MiB file on a mirror
        var (name, bytes, checksum) = RandomFile(1 << 20);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes });
        using var downloader = new DatasetDownloader();
        var reports = new List<DownloadProgress>();

        // When it is downloaded
        downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, TestPaths.NewTempFolder(), new SyncProgress(reports.Add));

        // Then: a start at 0, a report each time 256 KiB more arrived (reads are at most 64 KiB), one at the end,
        // then verifying and done
        var downloading = reports.Where(r => r.Stage == DownloadStage.Downloading).ToList();
        long[] received = downloading.Select(r => r.BytesReceived).ToArray();
        Assert.Equal(0, received[0]);
        Assert.Equal(1L << 20, received[^1]);
        for (int i = 1; i < received.Length - 1; i++)
            Assert.InRange(received[i] - received[i - 1], 1L << 18, (1L << 18) + (1L << 16));
        Assert.InRange(received[^1] - received[^2], 0, (1L << 18) + (1L << 16));
        Assert.InRange(received.Length, 4, 6);
        Assert.All(reports, r => Assert.Equal(1L << 20, r.TotalBytes));
        Assert.All(downloading, r => Assert.Equal((double)r.BytesReceived / (1 << 20), r.Fraction!.Value));
        Assert.Equal(new[] { DownloadStage.Verifying, DownloadStage.Done }, reports.Skip(downloading.Count).Select(r => r.Stage));
    }

    [Fact]
    public void Download_AddsTheMirrorsMissingTrailingSlash()
    {
        // Given a mirror URL written without its final slash
        var (name, bytes, checksum) = RandomFile(1_000);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes });
        using var downloader = new DatasetDownloader();
        var mirror = new Uri(server.BaseUrl.AbsoluteUri.TrimEnd('/'));

        // When a file is downloaded from it
        string path = downloader.Download(new RemoteFile(name, new[] { checksum }), mirror, TestPaths.NewTempFolder());

        // Then it was fetched from inside that folder, not beside it
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal($"/data/{name}|", Assert.Single(server.Requests));
    }

    [Fact]
    public void Download_StartsOver_WhenThePartialFileIsAsLongAsTheFile()
    {
        // Given a partial file as long as the file (the server answers its range request 416)
        var (name, bytes, checksum) = RandomFile(2_000);
        string cache = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(cache, name + ".partial"), new byte[2_000]);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes });
        using var downloader = new DatasetDownloader();

        // When it is downloaded
        string path = downloader.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, cache);

        // Then the range request was followed by a whole one, and the file is the mirror's
        Assert.Equal(new[] { $"/data/{name}|bytes=2000-", $"/data/{name}|" }, server.Requests);
        Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.False(File.Exists(path + ".partial"));
    }

    [Fact]
    public void Dispose_LeavesAGivenClientToItsOwner()
    {
        // Given a client the caller owns, lent to a downloader that is then disposed
        var (name, bytes, checksum) = RandomFile(1_000);
        using var server = new LocalHttpServer(new Dictionary<string, byte[]> { [name] = bytes });
        using var client = new HttpClient();
        new DatasetDownloader(client).Dispose();

        // When the client is used again
        using var again = new DatasetDownloader(client);
        string path = again.Download(new RemoteFile(name, new[] { checksum }), server.BaseUrl, TestPaths.NewTempFolder());

        // Then it still works
        Assert.Equal(bytes, File.ReadAllBytes(path));
    }
}
