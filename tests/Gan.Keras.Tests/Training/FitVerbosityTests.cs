using Gan.Keras.Callbacks;
using Gan.Keras.Training;
using Gan.Keras.Tests.Callbacks;
using Xunit;

namespace Gan.Keras.Tests.Training;

public class FitVerbosityTests
{
    [Fact]
    public void Fit_PrintsOneLinePerEpoch_ByDefault_WhenStandardOutputIsALog()
    {
        // Given a GAN, and standard output redirected (as in a CI log)
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);

        // When it trains 2 epochs with no callbacks and no verbose argument (Keras's "auto")
        string printed = CaptureStandardOutput(() => gan.Fit(data, epochs: 2, batchSize: 64));

        // Then Keras's progress printer printed one line per epoch
        var lines = printed.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Epoch 1/2  8/8  ", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("Epoch 2/2  8/8  ", lines[1], StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_PrintsNothing_WhenSilent()
    {
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);

        string printed = CaptureStandardOutput(() => gan.Fit(data, epochs: 2, batchSize: 64, verbose: FitVerbosity.Silent));

        Assert.Equal(string.Empty, printed);
    }

    [Fact]
    public void Fit_AddsNoSecondPrinter_WhenTheCallbacksHoldAProgbarLogger()
    {
        // Given a ProgbarLogger of the caller's, writing to its own writer
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);
        var own = new StringWriter();

        // When Fit runs with verbose left to its default, and with an explicit progress bar
        string printed = CaptureStandardOutput(() =>
        {
            gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new ProgbarLogger(own, interactive: false) });
            gan.Fit(data, epochs: 1, batchSize: 64, callbacks: new Callback[] { new ProgbarLogger(own, interactive: false) }, verbose: FitVerbosity.ProgressBar);
        });

        // Then only the caller's logger printed, once per run
        Assert.Equal(string.Empty, printed);
        Assert.Equal(2, own.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }

    [Theory]
    [InlineData(FitVerbosity.ProgressBar, true)]
    [InlineData(FitVerbosity.OneLinePerEpoch, false)]
    public void Fit_DrawsABarOrOneLinePerEpoch_AsKerasVerbose1And2(FitVerbosity verbose, bool redrawn)
    {
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);

        string printed = CaptureStandardOutput(() => gan.Fit(data, epochs: 1, batchSize: 64, verbose: verbose));

        Assert.Equal(redrawn, printed.Contains('\r', StringComparison.Ordinal));
        Assert.Contains("Epoch 1/1  8/8  ", printed, StringComparison.Ordinal);
    }

    [Fact]
    public void Fit_RefusesAVerbosityKerasDoesNotHave()
    {
        using var data = TinyGan.Data();
        using var gan = new ScriptedGan(_ => 1.25);

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => gan.Fit(data, verbose: (FitVerbosity)3));

        Assert.Equal("verbose", error.ParamName);
    }

    private static string CaptureStandardOutput(Action action)
    {
        var previous = Console.Out;
        var output = new StringWriter();
        Console.SetOut(output);
        try
        {
            action();
        }
        finally
        {
            Console.SetOut(previous);
        }
        return output.ToString();
    }
}
