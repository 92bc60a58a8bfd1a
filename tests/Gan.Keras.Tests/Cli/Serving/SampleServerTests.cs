using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Gan.Keras.Cli.Serving;
using Gan.Keras.Models.Presets;
using Gan.Keras.Export.Onnx;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Tests.Export.Onnx;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using SkiaSharp;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Cli.Serving;

/// <summary>The endpoints of <c>gan serve</c>, through the ASP.NET Core test host (in memory, no socket).</summary>
public class SampleServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Page_AndInfo_DescribeTheServedGenerator()
    {
        // Given a conditional DCGAN served in memory
        using var source = ConditionalSource();
        await using var app = await StartAsync(source);
        using var client = app.GetTestClient();

        // When the page and the info are requested
        string page = await client.GetStringAsync(new Uri("/", UriKind.Relative));
        using var info = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/info", UriKind.Relative)));

        // Then the page is the explorer, with its controls and no external resource, and the info gives the shapes
        Assert.Contains("<title>Gan.Keras explorer</title>", page, StringComparison.Ordinal);
        foreach (var id in new[] { "id=\"seed\"", "id=\"reroll\"", "id=\"t\"", "id=\"class\"", "id=\"grid\"" }) Assert.Contains(id, page, StringComparison.Ordinal);
        Assert.DoesNotContain("http", page.Replace("http-equiv", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Equal(64, info.RootElement.GetProperty("latentDim").GetInt32());
        Assert.Equal(10, info.RootElement.GetProperty("numClasses").GetInt32());
        Assert.Equal(new long[] { 1, 28, 28 }, info.RootElement.GetProperty("sampleShape").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(256, info.RootElement.GetProperty("maxSamples").GetInt32());
    }

    [Fact]
    public async Task Samples_AreAPngGrid_ThatASeedReproduces()
    {
        // Given a served conditional DCGAN
        using var source = ConditionalSource();
        await using var app = await StartAsync(source);
        using var client = app.GetTestClient();

        // When grids are requested twice with one seed, once with another, and once for one class
        using var first = await client.GetAsync(new Uri("/api/samples?seed=7&n=20", UriKind.Relative));
        byte[] again = await client.GetByteArrayAsync(new Uri("/api/samples?seed=7&n=20", UriKind.Relative));
        byte[] other = await client.GetByteArrayAsync(new Uri("/api/samples?seed=8&n=20", UriKind.Relative));
        byte[] sevens = await client.GetByteArrayAsync(new Uri("/api/samples?seed=7&n=20&labels=7", UriKind.Relative));

        // Then they are PNGs of 20 images (10 columns, one class each, 28×28 at scale 2 with 2-pixel gaps), the same
        // seed gives the same bytes, and another seed or class gives others
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("image/png", first.Content.Headers.ContentType!.MediaType);
        Assert.StartsWith("generate;dur=", first.Headers.GetValues("Server-Timing").Single(), StringComparison.Ordinal);
        byte[] png = await first.Content.ReadAsByteArrayAsync();
        using (var bitmap = SKBitmap.Decode(png))
            Assert.Equal((10 * 58 + 2, 2 * 58 + 2), (bitmap.Width, bitmap.Height));
        Assert.Equal(png, again);
        Assert.NotEqual(png, other);
        Assert.NotEqual(png, sevens);
    }

    [Theory]
    [InlineData("seed=1&n=257", "n = 257 is too many: at most 256 samples per request")]
    [InlineData("seed=99999999999", "seed 99999999999 is out of range: use 0 to 4294967295")]
    [InlineData("seed=1&labels=12", "unknown label 12: this generator's classes are 0 to 9")]
    [InlineData("seed=one", "seed 'one' is not a whole number (use 0 to 4294967295)")]
    [InlineData("seed=1&n=2&n=3", "parameter 'n' is given 2 times; give it once")]
    [InlineData("seed=1&to=2&t=-0.5", "t = -0.5 is out of range: use 0 (seed) to 1 (to)")]
    public async Task BadRequests_Get400_WithAOneLineReason(string query, string reason)
    {
        // Given a served conditional DCGAN
        using var source = ConditionalSource();
        await using var app = await StartAsync(source);
        using var client = app.GetTestClient();

        // When a bad query is sent
        using var response = await client.GetAsync(new Uri($"/api/samples?{query}", UriKind.Relative));

        // Then the answer is 400 with the reason, as one line of plain text
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(reason, await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Interpolation_GoesFromTheFirstSeedsGrid_ToTheSeconds()
    {
        // Given a served conditional DCGAN
        using var source = ConditionalSource();
        await using var app = await StartAsync(source);
        using var client = app.GetTestClient();
        async Task<byte[]> Get(string query) => await client.GetByteArrayAsync(new Uri($"/api/samples?n=10&{query}", UriKind.Relative));

        // When the walk from seed 3 to seed 4 is requested at t = 0, 0.5 and 1
        byte[] start = await Get("seed=3&to=4&t=0"), middle = await Get("seed=3&to=4&t=0.5"), end = await Get("seed=3&to=4&t=1");

        // Then its ends are the two seeds' grids, and its middle is neither
        Assert.Equal(await Get("seed=3"), start);
        Assert.Equal(await Get("seed=4"), end);
        Assert.NotEqual(start, middle);
        Assert.NotEqual(end, middle);
    }

    [Fact]
    public async Task TheOnnxExport_ServesTheCheckpointsGrid()
    {
        // Given the same generator served from its checkpoint (libtorch) and from its ONNX export (ONNX Runtime)
        using var checkpoint = ConditionalSource();
        string path = Path.Combine(TestPaths.NewTempFolder(), "generator.onnx");
        OnnxExporter.ExportGenerator(((CheckpointSampleSourceProbe)checkpoint).Gan, path);
        using var onnx = new OnnxSampleSource(path);
        await using var fromCheckpoint = await StartAsync(checkpoint);
        await using var fromOnnx = await StartAsync(onnx);
        using var a = fromCheckpoint.GetTestClient();
        using var b = fromOnnx.GetTestClient();

        // When both are asked for the same grid
        const string query = "/api/samples?seed=11&n=30&labels=4";
        using var left = SKBitmap.Decode(await a.GetByteArrayAsync(new Uri(query, UriKind.Relative)));
        using var right = SKBitmap.Decode(await b.GetByteArrayAsync(new Uri(query, UriKind.Relative)));

        // Then the pictures agree to one grey level (values agree to 1e-5 before rounding to 8 bits)
        Assert.Equal((left.Width, left.Height), (right.Width, right.Height));
        int worst = 0;
        for (int y = 0; y < left.Height; y++)
            for (int x = 0; x < left.Width; x++)
                worst = Math.Max(worst, Math.Abs(left.GetPixel(x, y).Red - right.GetPixel(x, y).Red));
        Assert.True(worst <= 1, $"largest difference {worst} grey levels");
        Assert.Contains("ONNX Runtime", onnx.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConcurrentRequests_GetTheirOwnSeedsSamples()
    {
        // Given a served generator whose moving average differs from its weights (each call swaps the average in and out)
        using var source = SmallSource(ema: true);
        await using var app = await StartAsync(source, concurrency: 4, queue: 64);
        using var client = app.GetTestClient();
        var seeds = Enumerable.Range(100, 48).ToArray();
        var expected = new Dictionary<int, byte[]>();
        foreach (int seed in seeds.Take(8)) expected[seed] = await client.GetByteArrayAsync(new Uri($"/api/samples?seed={seed}&n=9", UriKind.Relative));

        // When 48 requests for different seeds arrive at once
        var answers = await Task.WhenAll(seeds.Select(async seed => (seed, png: await client.GetByteArrayAsync(new Uri($"/api/samples?seed={seed}&n=9", UriKind.Relative)))));

        // Then every answer is its own seed's grid, as one request alone gets it
        foreach (var (seed, png) in answers.Where(a => expected.ContainsKey(a.seed))) Assert.Equal(expected[seed], png);
        Assert.Equal(seeds.Length, answers.Select(a => Convert.ToBase64String(a.png)).Distinct().Count());
    }

    [Fact]
    public async Task ABurstBeyondTheQueue_Gets503_NotUnboundedWork()
    {
        // Given a server that computes 1 request at a time and lets 2 wait, with the first request held inside the generator
        using var gate = new ManualResetEventSlim(false);
        using var source = new HeldSource(SmallSource(), gate);
        await using var app = await StartAsync(source, concurrency: 1, queue: 2);
        using var client = app.GetTestClient();

        // When 24 requests arrive while it is busy
        var requests = Enumerable.Range(0, 24).Select(async i =>
        {
            using var response = await client.GetAsync(new Uri($"/api/samples?seed={i}&n=4", UriKind.Relative));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        }).ToArray();
        while (requests.Count(r => r.IsCompleted) < 21) await Task.Delay(20);
        gate.Set();
        var answers = await Task.WhenAll(requests);

        // Then the one running and the two waiting are served, and the other 21 are told at once to come back
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        Assert.Equal(21, answers.Count(a => a.StatusCode == HttpStatusCode.ServiceUnavailable));
        Assert.Contains("busy: too many sample requests at once; try again", answers.Select(a => a.Body));
    }

    [Fact]
    public async Task Memory_StaysFlat_UnderBurstsOfRequests()
    {
        // Given a served generator, warmed up
        using var source = SmallSource();
        await using var app = await StartAsync(source, concurrency: 2, queue: 64);
        using var client = app.GetTestClient();
        async Task Burst(int round) => await Task.WhenAll(Enumerable.Range(0, 16).Select(async i =>
        {
            using var response = await client.GetAsync(new Uri($"/api/samples?seed={round * 16 + i}&n=32", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }));
        for (int round = 0; round < 2; round++) await Burst(round);
        var (managedBefore, privateBefore) = Memory();

        // When 8 more bursts of 16 concurrent requests of 32 samples are served
        var privateAfterEach = new List<long>();
        for (int round = 2; round < 10; round++)
        {
            await Burst(round);
            privateAfterEach.Add(Memory().Private);
        }
        var (managedAfter, privateAfter) = Memory();

        // Then neither managed nor native memory grows with the number of requests served
        output.WriteLine($"managed {managedBefore / 1e6:F1} -> {managedAfter / 1e6:F1} MB; private {privateBefore / 1e6:F1} -> {string.Join(", ", privateAfterEach.Select(p => (p / 1e6).ToString("F1", System.Globalization.CultureInfo.InvariantCulture)))} MB");
        Assert.True(managedAfter - managedBefore < 8_000_000, $"managed memory grew by {(managedAfter - managedBefore) / 1e6:F1} MB");
        Assert.True(privateAfter - privateBefore < 48_000_000, $"private memory grew by {(privateAfter - privateBefore) / 1e6:F1} MB over 128 requests");
    }

    private static (long Managed, long Private) Memory()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (GC.GetTotalMemory(forceFullCollection: true), process.PrivateMemorySize64);
    }

    private static async Task<WebApplication> StartAsync(ISampleSource source, int concurrency = 2, int queue = 32)
    {
        var app = SampleServer.Create(source, builder => builder.WebHost.UseTestServer(), concurrency, queue);
        await app.StartAsync();
        return app;
    }

    /// <summary>The conditional DCGAN preset for 28×28 digits with non-trivial normalisation statistics (and, with <paramref name="ema"/>, an average unlike its weights).</summary>
    internal static ISampleSource ConditionalSource(bool ema = false)
    {
        RandomSeed.Set(5);
        var gan = ModelPresets.Create("conditional", new long[] { 1, 28, 28 }, seed: 5);
        OnnxExporterTests.PerturbNormalization(gan.Generator);
        if (ema) Average(gan);
        return new CheckpointSampleSourceProbe(gan);
    }

    /// <summary>A small conditional generator of 16×16 images (a dense layer, batch normalisation, one transposed convolution), quick enough for hundreds of requests.</summary>
    internal static ISampleSource SmallSource(bool ema = false)
    {
        RandomSeed.Set(6);
        var generator = new Sequential(new Layer[]
        {
            new Dense(4 * 8 * 8, "relu"), new Reshape(new long[] { 4, 8, 8 }), new BatchNormalization(),
            new Conv2DTranspose(1, 4, strides: 2, padding: "same", activation: "tanh"),
        }, inputShape: new long[] { 8 + 3 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Flatten(), new Dense(1) }, inputShape: new long[] { 1 + 3, 16, 16 }, name: "discriminator");
        var gan = new ConditionalGanModel(generator, discriminator, latentDim: 8, numClasses: 3, seed: 6);
        OnnxExporterTests.PerturbNormalization(gan.Generator);
        if (ema) Average(gan);
        return new CheckpointSampleSourceProbe(gan);
    }

    private static void Average(GanModel gan)
    {
        gan.GeneratorEmaDecay = 0.9;
        using var noGrad = torch.no_grad();
        foreach (var tensor in gan.GeneratorEmaWeights.Values.Where(t => t.is_floating_point())) tensor.mul_(0.8);
    }

    /// <summary>Holds every generator call until the gate opens.</summary>
    private sealed class HeldSource(ISampleSource inner, ManualResetEventSlim gate) : ISampleSource
    {
        public int LatentDim => inner.LatentDim;

        public int? NumClasses => inner.NumClasses;

        public IReadOnlyList<long> SampleShape => inner.SampleShape;

        public (double Low, double High) OutputRange => inner.OutputRange;

        public string Description => inner.Description;

        public double[,]? Modes => inner.Modes;

        public torch.Tensor Generate(torch.Tensor latent, torch.Tensor? labels)
        {
            gate.Wait();
            return inner.Generate(latent, labels);
        }

        public void Dispose() => inner.Dispose();
    }

    /// <summary>A checkpoint source over a GAN built in the test (no run folder), exposing the GAN.</summary>
    private sealed class CheckpointSampleSourceProbe(GanModel gan) : ISampleSource
    {
        private readonly CheckpointSampleSource inner = new(gan, "test conditional DCGAN (Gan.Keras on libtorch)", null, gan);

        public GanModel Gan => gan;

        public int LatentDim => inner.LatentDim;

        public int? NumClasses => inner.NumClasses;

        public IReadOnlyList<long> SampleShape => inner.SampleShape;

        public (double Low, double High) OutputRange => inner.OutputRange;

        public string Description => inner.Description;

        public double[,]? Modes => inner.Modes;

        public torch.Tensor Generate(torch.Tensor latent, torch.Tensor? labels) => inner.Generate(latent, labels);

        public void Dispose() => inner.Dispose();
    }
}
