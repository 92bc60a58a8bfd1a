using Gan.Keras.Callbacks;
using Xunit;

namespace Gan.Keras.Tests.Callbacks;

public class ProgbarLoggerTests
{
    [Fact]
    public void Fit_PrintsExactlyOneLinePerEpoch_WhenNotATerminal()
    {
        // Given a progress logger writing to a plain writer (a CI log)
        var output = new StringWriter();
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);

        // When 3 epochs run
        gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new Callback[] { new ProgbarLogger(output, interactive: false) });

        // Then there are 3 lines, one per epoch, with steps, speed and the logs; no carriage returns or escape codes
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        Assert.Matches(@"^Epoch 3/3  8/8  \S+  [\d.]+ steps/s  d_loss 1\.2500  g_loss 19\.5000  D\(x\) 0\.500  D\(G\(z\)\) 0\.250$", lines[2]);
        Assert.DoesNotContain('\r', output.ToString());
        Assert.DoesNotContain('\u001b', output.ToString());
    }

    [Fact]
    public void EpochLine_CountsTheStepsThatRan_AndTheirRate_WhenTrainingStopsEarly()
    {
        // Given a progress logger, and a callback that stops training after the 3rd of 8 steps, each step taking 40 ms
        var output = new StringWriter();
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);
        var slowThenStop = new LambdaCallback(onBatchEnd: (batch, _) =>
        {
            Thread.Sleep(40);
            if (batch == 2) gan.StopTraining = true;
        });

        // When one epoch of 8 planned steps runs
        gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new ProgbarLogger(output, interactive: false), slowThenStop });

        // Then the line says 3 of 8 steps ran, at the rate of those 3 (at most 3 / 0.12 s = 25 steps/s), not 8 steps' rate
        string line = output.ToString().TrimEnd('\n');
        Assert.StartsWith("Epoch 1/1  3/8  ", line, StringComparison.Ordinal);
        double rate = double.Parse(System.Text.RegularExpressions.Regex.Match(line, @"([\d.]+) steps/s").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(rate, 0.1, 25.0);
    }

    [Fact]
    public void Fit_RedrawsABarInPlace_OnATerminal()
    {
        // Given a progress logger in interactive mode
        var output = new StringWriter();
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);

        // When one epoch runs
        gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new ProgbarLogger(output, interactive: true) });

        // Then the last step drew a full bar with ETA, and the epoch line ends the bar with a newline
        string text = output.ToString();
        Assert.Contains("8/8 [========================]", text);
        Assert.Contains("ETA", text);
        Assert.EndsWith("\u001b[K\n", text);
    }
}
