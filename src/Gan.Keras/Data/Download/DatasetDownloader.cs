using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;

namespace Gan.Keras.Data.Download;

/// <summary>
/// Downloads dataset files from a mirror into a cache folder, safely: bytes go to <c>name.partial</c> beside the
/// target, an interrupted download resumes from there with an HTTP <c>Range</c> request (or restarts when the server
/// ignores ranges), the complete file is checked against its checksums, and only then renamed into place. A file that
/// fails its checksum is deleted, so the cache never holds a corrupt file.
/// </summary>
public sealed class DatasetDownloader : IDisposable
{
    private const int BufferSize = 1 << 16;
    private static readonly TimeSpan DefaultStallTimeout = TimeSpan.FromSeconds(30);
    private readonly HttpClient client;
    private readonly bool ownsClient;

    /// <summary>Initializes a new instance of the <see cref="DatasetDownloader"/> class.</summary>
    /// <param name="client">The HTTP client to use; a new one (owned and disposed by the downloader) when null.</param>
    /// <param name="stallTimeout">How long to wait for the next bytes before giving up (30 s by default); the partial file is kept for a resume.</param>
    public DatasetDownloader(HttpClient? client = null, TimeSpan? stallTimeout = null)
    {
        ownsClient = client is null;
        this.client = client ?? new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        StallTimeout = stallTimeout ?? DefaultStallTimeout;
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(StallTimeout, TimeSpan.Zero, nameof(stallTimeout));
    }

    /// <summary>Gets how long a download may receive nothing before it fails.</summary>
    public TimeSpan StallTimeout { get; }

    /// <summary>Downloads one file into <paramref name="directory"/> unless a verified copy is already there.</summary>
    /// <param name="file">The file and its checksums.</param>
    /// <param name="mirror">The base URL; the file's URL is <c>mirror + file.Name</c>.</param>
    /// <param name="directory">The cache folder.</param>
    /// <param name="progress">Receives progress reports (downloading, verifying, done).</param>
    /// <param name="cancellationToken">Cancels the download; the partial file is kept for a resume.</param>
    /// <returns>The path of the verified file.</returns>
    /// <exception cref="ChecksumMismatchException">The downloaded file matched none of its checksums (it was deleted).</exception>
    /// <exception cref="IOException">The mirror cannot be reached (offline?), answered with an error, or stopped sending.</exception>
    public async Task<string> DownloadAsync(RemoteFile file, Uri mirror, string directory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(mirror);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (file.Checksums.Count == 0)
            throw new ArgumentException($"File '{file.Name}' has no checksum; every download must be verified.", nameof(file));
        if (file.Name.Contains('/', StringComparison.Ordinal) || file.Name.Contains('\\', StringComparison.Ordinal) || file.Name.StartsWith('.'))
            throw new ArgumentException($"File name '{file.Name}' must be a plain file name (no folders, no leading dot).", nameof(file));
        Directory.CreateDirectory(directory);
        string target = Path.Combine(directory, file.Name);
        if (File.Exists(target))
        {
            if (file.Checksums.Any(c => c.Matches(target)))
            {
                progress?.Report(new DownloadProgress(file.Name, new FileInfo(target).Length, new FileInfo(target).Length, 0, DownloadStage.Done));
                return target;
            }
            // A file that fails its checksum (an old or hand-copied one) is replaced, never trusted.
            File.Delete(target);
        }
        var url = new Uri(WithTrailingSlash(mirror), file.Name);
        string partial = target + ".partial";
        await FetchAsync(url, file.Name, partial, progress, cancellationToken).ConfigureAwait(false);

        progress?.Report(new DownloadProgress(file.Name, new FileInfo(partial).Length, new FileInfo(partial).Length, 0, DownloadStage.Verifying));
        if (!file.Checksums.Any(c => c.Matches(partial)))
        {
            string actual = SafeDigest(file.Checksums[0] with { OfDecompressedContent = false }, partial);
            File.Delete(partial);
            throw new ChecksumMismatchException(file.Name, url, file.Checksums, actual);
        }
        File.Move(partial, target, overwrite: true);
        progress?.Report(new DownloadProgress(file.Name, new FileInfo(target).Length, new FileInfo(target).Length, 0, DownloadStage.Done));
        return target;
    }

    /// <summary>Downloads one file synchronously; see <see cref="DownloadAsync"/>.</summary>
    public string Download(RemoteFile file, Uri mirror, string directory, IProgress<DownloadProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DownloadAsync(file, mirror, directory, progress, cancellationToken).GetAwaiter().GetResult();

    /// <summary>Releases the HTTP client when the downloader created it.</summary>
    public void Dispose()
    {
        if (ownsClient) client.Dispose();
    }

    private async Task FetchAsync(Uri url, string name, string partial, IProgress<DownloadProgress>? progress, CancellationToken cancellationToken)
    {
        long offset = File.Exists(partial) ? new FileInfo(partial).Length : 0;
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (offset > 0) request.Headers.Range = new RangeHeaderValue(offset, null);
        HttpResponseMessage response;
        try
        {
            using var headerTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            headerTimeout.CancelAfter(StallTimeout);
            response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headerTimeout.Token).ConfigureAwait(false);
        }
        catch (HttpRequestException ex)
        {
            throw Unreachable(url, name, ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new IOException($"Downloading '{name}' from {url}: the server sent no answer within {StallTimeout.TotalSeconds:F0} s. Check the connection or pass another mirror; the download resumes where it stopped.", ex);
        }
        using (response)
        {
            bool append = false;
            if (offset > 0 && response.StatusCode == HttpStatusCode.PartialContent && response.Content.Headers.ContentRange?.From == offset)
            {
                append = true;
            }
            else if (offset > 0 && response.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable)
            {
                // The partial file is as long as (or longer than) the file: start over rather than guess.
                File.Delete(partial);
                await FetchAsync(url, name, partial, progress, cancellationToken).ConfigureAwait(false);
                return;
            }
            else if (!response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.PartialContent)
            {
                throw new IOException($"Downloading '{name}' from {url} failed: the server answered {(int)response.StatusCode} {response.ReasonPhrase}. Check the mirror URL (DatasetOptions.Mirror) or try again later.");
            }
            if (!append) offset = 0; // The server ignored the range (200): restart from the first byte.
            long? total = response.Content.Headers.ContentLength is { } length ? length + offset : null;
            progress?.Report(new DownloadProgress(name, offset, total, offset, DownloadStage.Downloading));
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            await using var output = new FileStream(partial, append ? FileMode.Append : FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
            var buffer = new byte[BufferSize];
            long received = offset, reported = offset;
            while (true)
            {
                int read;
                try
                {
                    using var stall = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    stall.CancelAfter(StallTimeout);
                    read = await body.ReadAsync(buffer, stall.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
                {
                    throw new IOException($"Downloading '{name}' from {url} stalled after {received} bytes (nothing for {StallTimeout.TotalSeconds:F0} s). Run again to resume from there.", ex);
                }
                catch (Exception ex) when (ex is IOException or HttpRequestException)
                {
                    throw new IOException($"Downloading '{name}' from {url} broke off after {received} bytes: {ex.Message}. Run again to resume from there.", ex);
                }
                if (read == 0) break;
                await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                received += read;
                if (received - reported >= 1 << 18)
                {
                    progress?.Report(new DownloadProgress(name, received, total, offset, DownloadStage.Downloading));
                    reported = received;
                }
            }
            output.Flush(flushToDisk: true);
            if (total is { } expected && received != expected)
                throw new IOException($"Downloading '{name}' from {url} ended after {received} of {expected} bytes. Run again to resume from there.");
            progress?.Report(new DownloadProgress(name, received, total, offset, DownloadStage.Downloading));
        }
    }

    private static IOException Unreachable(Uri url, string name, HttpRequestException ex)
    {
        bool offline = ex.InnerException is SocketException or IOException || ex.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.ConnectionError;
        string reason = offline
            ? "the mirror cannot be reached (no internet connection, or the host is down)"
            : "the request failed";
        return new IOException(
            $"Cannot download '{name}' from {url}: {reason} ({ex.Message}). Connect to the internet, pass another mirror, or copy the file into the data folder by hand.",
            ex);
    }

    private static string SafeDigest(FileChecksum checksum, string path)
    {
        try
        {
            return checksum.Compute(path);
        }
        catch (IOException ex)
        {
            return $"(unreadable: {ex.Message})";
        }
    }

    private static Uri WithTrailingSlash(Uri mirror) =>
        mirror.AbsoluteUri.EndsWith('/') ? mirror : new Uri(mirror.AbsoluteUri + "/");
}
