using System.Globalization;
using System.Threading.RateLimiting;
using Gan.Keras.Export.Images;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using TorchSharp;

namespace Gan.Keras.Cli.Serving;

/// <summary>
/// The web app of <c>gan serve</c> (ASP.NET Core minimal API): <c>GET /</c> the explorer page (static HTML and
/// JavaScript embedded in this assembly, no CDN), <c>GET /api/info</c> what is served (JSON), and
/// <c>GET /api/samples?seed=S&amp;n=N[&amp;labels=…][&amp;to=S2&amp;t=X]</c> a PNG grid (or a scatter plot for 2-D data).
/// </summary>
/// <remarks>
/// A request that cannot be served gets HTTP 400 and a one-line plain-text reason (<see cref="SampleQuery"/>).
/// Generation is bounded: at most <c>concurrency</c> requests compute at once and <c>queue</c> more wait; beyond that a
/// request gets HTTP 503 at once. So a burst of requests never holds more than that many batches in memory.
/// </remarks>
internal static class SampleServer
{
    /// <summary>The rate-limiting policy of the sample endpoint.</summary>
    private const string GeneratePolicy = "generate";

    private static readonly Lazy<byte[]> Page = new(() =>
    {
        using var stream = typeof(SampleServer).Assembly.GetManifestResourceStream("Gan.Keras.Cli.Serving.index.html")
            ?? throw new InvalidOperationException("The explorer page is missing from the gan assembly (embedded resource Gan.Keras.Cli.Serving.index.html).");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    });

    /// <summary>Builds the app for <paramref name="source"/> (which the caller keeps and disposes).</summary>
    /// <param name="source">The generator to serve.</param>
    /// <param name="configure">Chooses the server: Kestrel on a loopback port for <c>gan serve</c>, the in-memory test server in tests.</param>
    /// <param name="concurrency">Requests that generate at once.</param>
    /// <param name="queue">Requests that may wait for one of them.</param>
    public static WebApplication Create(ISampleSource source, Action<WebApplicationBuilder> configure, int concurrency = 2, int queue = 32)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(configure);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = "gan-serve", Args = Array.Empty<string>() });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddRateLimiter(options =>
        {
            options.RejectionStatusCode = StatusCodes.Status503ServiceUnavailable;
            options.OnRejected = (context, token) =>
            {
                context.HttpContext.Response.ContentType = "text/plain; charset=utf-8";
                return new ValueTask(context.HttpContext.Response.WriteAsync("busy: too many sample requests at once; try again", token));
            };
            options.AddConcurrencyLimiter(GeneratePolicy, limiter =>
            {
                limiter.PermitLimit = concurrency;
                limiter.QueueLimit = queue;
                limiter.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
            });
        });
        configure(builder);
        var app = builder.Build();
        app.UseRateLimiter();
        app.MapGet("/", () => Results.Bytes(Page.Value, "text/html; charset=utf-8"));
        app.MapGet("/api/info", () => Results.Json(new
        {
            description = source.Description,
            latentDim = source.LatentDim,
            numClasses = source.NumClasses,
            sampleShape = source.SampleShape,
            maxSamples = SampleQuery.MaxSamples,
            maxSeed = SampleQuery.MaxSeed,
        }));
        app.MapGet("/api/samples", (HttpContext context) =>
        {
            var (query, error) = SampleQuery.Parse(context.Request.Query, source.NumClasses);
            if (query is null) return Results.Text(error, "text/plain; charset=utf-8", statusCode: StatusCodes.Status400BadRequest);
            long started = System.Diagnostics.Stopwatch.GetTimestamp();
            byte[] png = Render(source, query);
            // How long generating and drawing took, for the page (Server-Timing, W3C).
            context.Response.Headers["Server-Timing"] = string.Create(CultureInfo.InvariantCulture, $"generate;dur={System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F1}");
            return Results.File(png, "image/png");
        }).RequireRateLimiting(GeneratePolicy);
        return app;
    }

    /// <summary>Generates the query's samples and draws them: a grid of images, or a scatter plot of 2-D points.</summary>
    internal static byte[] Render(ISampleSource source, SampleQuery query)
    {
        using var scope = torch.NewDisposeScope();
        var latent = LatentWalk.Latents(query.Seed, query.Count, source.LatentDim);
        if (query.To is { } to) latent = LatentWalk.Slerp(latent, LatentWalk.Latents(to, query.Count, source.LatentDim), query.T);
        var labels = query.Labels is null ? null : torch.tensor(query.Labels, torch.int64);
        var samples = source.Generate(latent, labels);
        if (SamplePicture.IsPoints(source.SampleShape))
            return ScatterPlot.EncodePng(samples, source.Modes, string.Create(CultureInfo.InvariantCulture, $"{query.Count} samples, seed {query.Seed}"));
        // Without chosen labels, sample i is of class i mod C: C columns put one class in each column.
        int? columns = source.NumClasses is { } classes && query.Count >= classes && query.Labels!.Distinct().Count() > 1 ? classes : null;
        return ImageGrid.EncodePng(samples, columns, range: source.OutputRange);
    }
}
