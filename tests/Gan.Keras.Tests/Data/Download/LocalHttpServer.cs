using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gan.Keras.Tests.Data.Download;

/// <summary>
/// A tiny HTTP file server on 127.0.0.1 (a free port) for download tests: serves byte arrays by name, honours
/// <c>Range: bytes=N-</c> unless told not to, can cut the first response short, records every request, and stops
/// by itself after a minute at the latest.
/// </summary>
internal sealed class LocalHttpServer : IDisposable
{
    private readonly HttpListener listener = new();
    private readonly IReadOnlyDictionary<string, byte[]> files;
    private readonly CancellationTokenSource lifetime = new(TimeSpan.FromSeconds(60));
    private readonly Task loop;
    private int breaksLeft;

    public LocalHttpServer(IReadOnlyDictionary<string, byte[]> files, bool supportsRange = true, long? breakFirstResponseAfter = null)
    {
        this.files = files;
        SupportsRange = supportsRange;
        BreakAfter = breakFirstResponseAfter;
        breaksLeft = breakFirstResponseAfter is null ? 0 : 1;
        Port = FreePort();
        listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        listener.Start();
        lifetime.Token.Register(() => listener.Close());
        loop = Task.Run(ServeAsync);
    }

    public int Port { get; }

    public Uri BaseUrl => new($"http://127.0.0.1:{Port}/data/");

    public bool SupportsRange { get; }

    public long? BreakAfter { get; }

    /// <summary>Gets each request as "path|range header" in arrival order.</summary>
    public ConcurrentQueue<string> Requests { get; } = new();

    /// <summary>A port nobody listens on (bound then released at once), for "offline" tests.</summary>
    public static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        int port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    public void Dispose()
    {
        lifetime.Cancel();
        try
        {
            loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
        lifetime.Dispose();
    }

    private async Task ServeAsync()
    {
        while (!lifetime.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await listener.GetContextAsync();
            }
            catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }
            try
            {
                Serve(context);
            }
            catch (Exception ex) when (ex is HttpListenerException or IOException or ObjectDisposedException)
            {
                // The client went away (or the response was aborted on purpose): serve the next one.
            }
        }
    }

    private void Serve(HttpListenerContext context)
    {
        string path = context.Request.Url!.AbsolutePath;
        string? range = context.Request.Headers["Range"];
        Requests.Enqueue($"{path}|{range}");
        var response = context.Response;
        string name = path.StartsWith("/data/", StringComparison.Ordinal) ? path["/data/".Length..] : "";
        if (!files.TryGetValue(name, out var bytes))
        {
            response.StatusCode = 404;
            response.Close();
            return;
        }
        long start = 0;
        if (SupportsRange && range is not null && range.StartsWith("bytes=", StringComparison.Ordinal) && range.EndsWith('-'))
        {
            start = long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
            if (start >= bytes.Length)
            {
                response.StatusCode = 416;
                response.Close();
                return;
            }
            response.StatusCode = 206;
            response.AddHeader("Content-Range", $"bytes {start}-{bytes.Length - 1}/{bytes.Length}");
        }
        response.ContentLength64 = bytes.Length - start;
        if (Interlocked.Decrement(ref breaksLeft) == 0 && BreakAfter is { } cut)
        {
            response.OutputStream.Write(bytes, (int)start, (int)Math.Min(cut, bytes.Length - start));
            response.OutputStream.Flush();
            response.Abort();
            return;
        }
        response.OutputStream.Write(bytes, (int)start, (int)(bytes.Length - start));
        response.Close();
    }
}
