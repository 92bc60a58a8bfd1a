using System.Net;
using Gan.Keras.Cli.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Xunit;

namespace Gan.Keras.Tests.Cli.Serving;

/// <summary>
/// The explorer page of <c>gan serve</c> in a real headless browser (Debian's <c>chromium</c>, driven over the DevTools
/// protocol), against the app on Kestrel on a loopback port. Skipped when no Chromium is installed
/// (<c>apt-get install -y chromium</c>, or set <c>GAN_KERAS_CHROMIUM</c> to a Chromium or Chrome executable).
/// </summary>
[Trait("Category", "Slow")]
public class ExplorerPageBrowserTests
{
    // Draws the grid onto a canvas and returns a fingerprint of its pixels (what the user sees, not the URL).
    private const string Fingerprint = """
        (() => { const img = document.getElementById('grid'); const c = document.createElement('canvas');
          c.width = img.naturalWidth; c.height = img.naturalHeight; const g = c.getContext('2d'); g.drawImage(img, 0, 0);
          const d = g.getImageData(0, 0, c.width, c.height).data; let h = 0;
          for (let i = 0; i < d.length; i++) h = (h * 31 + d[i]) >>> 0;
          return `${c.width}x${c.height}:${h}`; })()
        """;

    [SkippableFact]
    public async Task MovingTheSlider_ChangesTheGrid_AndReRollDrawsAnotherSeed()
    {
        string? chromium = HeadlessChromium.Executable;
        OptionalTools.SkipUnless(chromium is not null, "No Chromium: install Debian's chromium package (apt-get install -y chromium) or set GAN_KERAS_CHROMIUM to run the browser test.");

        // Given the explorer of a conditional generator on Kestrel, on a free loopback port, open in headless Chromium
        using var source = SampleServerTests.SmallSource();
        await using var app = SampleServer.Create(source, builder => builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0)));
        await app.StartAsync();
        var url = new Uri(app.Urls.First() + "/");
        await using var browser = await HeadlessChromium.StartAsync(chromium!);
        await browser.NavigateAsync(url);
        await browser.WaitForAsync("Number(document.getElementById('grid').dataset.loads) >= 1", TimeSpan.FromSeconds(30));
        string first = (await browser.EvaluateAsync(Fingerprint))!.GetValue<string>();
        string firstQuery = (await browser.EvaluateAsync("document.getElementById('grid').dataset.query"))!.GetValue<string>();

        // When the user drags the interpolation slider's thumb from its left end to 60 % of its width
        var box = (await browser.EvaluateAsync("(() => { const r = document.getElementById('t').getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()"))!.AsArray();
        double left = box[0]!.GetValue<double>(), top = box[1]!.GetValue<double>(), width = box[2]!.GetValue<double>(), height = box[3]!.GetValue<double>();
        await browser.DragAsync((left + 2, top + height / 2), (left + width * 0.6, top + height / 2));
        await browser.WaitForAsync("document.getElementById('grid').dataset.query.includes('&t=') && !document.querySelector('#status.error')", TimeSpan.FromSeconds(30));
        await browser.WaitForAsync("document.getElementById('grid').dataset.query === '/api/samples?' + new URLSearchParams(location.hash.slice(1))", TimeSpan.FromSeconds(30));
        string moved = (await browser.EvaluateAsync(Fingerprint))!.GetValue<string>();
        string position = (await browser.EvaluateAsync("document.getElementById('t-value').textContent"))!.GetValue<string>();

        // Then the grid shows other images, of the same size, and the page says where the slider is
        Assert.Equal("/api/samples?seed=42&n=36", firstQuery);
        Assert.NotEqual(first, moved);
        Assert.Equal(first.Split(':')[0], moved.Split(':')[0]);
        Assert.Matches(@"^t = 0\.[4-7]\d$", position);

        // And when the user clicks Re-roll, another seed is drawn, the slider goes back, and the grid changes again
        var button = (await browser.EvaluateAsync("(() => { const r = document.getElementById('reroll').getBoundingClientRect(); return [r.left + r.width / 2, r.top + r.height / 2]; })()"))!.AsArray();
        await browser.ClickAsync(button[0]!.GetValue<double>(), button[1]!.GetValue<double>());
        await browser.WaitForAsync("!document.getElementById('grid').dataset.query.includes('&t=')", TimeSpan.FromSeconds(30));
        string rerolled = (await browser.EvaluateAsync(Fingerprint))!.GetValue<string>();
        Assert.NotEqual(first, rerolled);
        Assert.NotEqual(moved, rerolled);
    }
}
