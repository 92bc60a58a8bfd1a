using Gan.Keras.Cli.Training;
using Spectre.Console;
using Xunit;

namespace Gan.Keras.Tests.Cli.Training;

public class LiveProgressTests
{
    [Fact]
    public void Run_DrawsABarWithStepsSpeedEtaAndLogs_AndLeavesOneLinePerEpoch()
    {
        // Given an interactive ANSI console writing to a buffer
        var buffer = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.Yes,
            Interactive = InteractionSupport.Yes,
            ColorSystem = ColorSystemSupport.NoColors,
            Out = new AnsiConsoleOutput(buffer),
        });
        console.Profile.Width = 160;
        using var data = TinyGan.Data();
        using var gan = new Callbacks.ScriptedGan(_ => 1.25);

        // When 2 epochs train inside the live display (slowly enough for it to refresh)
        LiveProgress.Run(console, progress => gan.Fit(data, epochs: 2, batchSize: 64, callbacks: new Gan.Keras.Callbacks.Callback[]
        {
            progress, new Gan.Keras.Callbacks.LambdaCallback(onBatchEnd: (_, _) => Thread.Sleep(25)),
        }));

        // Then the bar showed steps, speed, ETA and the logs, and each epoch left a summary line
        string text = buffer.ToString();
        Assert.Contains("━", text);
        Assert.Matches(@"Epoch 1/2 .*\d/8 .*steps/s .*ETA .*d_loss 1\.2500", text);
        Assert.Contains("D(G(z)) 0.250", text);
        Assert.Matches(@"Epoch 2/2(\x1b\[0m)?  8/8  \S+  [\d.]+ steps/s  d_loss 1\.2500", text); // the epoch number is bold
    }
}
