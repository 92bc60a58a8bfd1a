using Gan.Keras.Callbacks;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class LossPlotTests
{
    [Fact]
    public void Fit_RedrawsTheChartEachEpoch_IncludingPreloadedEpochs()
    {
        // Given a loss plot preloaded with 2 earlier epochs (a resumed run)
        string path = Path.Combine(TestPaths.NewTempFolder(), "losses.png");
        var plot = new LossPlot(path);
        plot.Preload(new[] { (0, (IReadOnlyDictionary<string, double>)new Dictionary<string, double> { ["d_loss"] = 1.4, ["g_loss"] = 0.7 }), (1, new Dictionary<string, double> { ["d_loss"] = 1.3, ["g_loss"] = 0.8 }) });
        var sizes = new List<long>();
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(step => 1.0 + step / 100.0);

        // When epochs 2 and 3 run
        gan.Fit(data, epochs: 4, batchSize: 64, initialEpoch: 2, callbacks: new Callback[] { plot, new LambdaCallback(onEpochEnd: (_, _) => sizes.Add(new FileInfo(path).Length)) });

        // Then a 720x420 PNG was written after each epoch, with a blue d_loss line and an orange g_loss line
        Assert.Equal(2, sizes.Count);
        using var bitmap = SKBitmap.Decode(path);
        Assert.Equal((720, 420), (bitmap.Width, bitmap.Height));
        var pixels = bitmap.Pixels;
        Assert.Contains(pixels, c => c.Blue > 150 && c.Red < 80);
        Assert.Contains(pixels, c => c.Red > 220 && c.Green is > 100 and < 160 && c.Blue < 60);
    }
}
