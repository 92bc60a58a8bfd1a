using Gan.Keras.Cli;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Training;
using Gan.Keras.Training.Runs;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Cli.Commands;

public class TrainCommandHealthTests
{
    private readonly ITestOutputHelper output;

    public TrainCommandHealthTests(ITestOutputHelper output) => this.output = output;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Train_StopsWithOneLineNamingTheLastGoodCheckpoint_WhenTheLossesBecomeNaN(bool noHealth)
    {
        // Given a 2-epoch ring8 run whose newest checkpoint was rewritten (manifest and hash too) with a NaN in one generator weight
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var first = CliRunner.Run("train", "--epochs", "2", "--batch-size", "500", "--out", run, "--quiet");
        Assert.True(first.ExitCode == 0, first.Error);
        PoisonLatestCheckpoint(run);

        // When it is resumed for 2 more epochs (with or without --no-health)
        var args = new List<string> { "train", "--resume", run, "--epochs", "2" };
        if (noHealth) args.Add("--no-health");
        var (code, _, error) = CliRunner.Run(args.ToArray());
        output.WriteLine(error);

        // Then the NaN guard stops it either way: a warning, then one error line with the last good checkpoint, exit code 1, no new checkpoint
        Assert.Equal(GanCli.RuntimeError, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("Warning: Epoch 3, batch 20 (or up to 19 batches before): invalid d_loss (NaN), terminating training.", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("gan: error: Training stopped at epoch 3, batch 20: d_loss became NaN or infinite. Last good checkpoint: ckpt-000002.safetensors (epoch 2) in ", lines[1], StringComparison.Ordinal);
        Assert.Equal(2, new CheckpointManager(Path.Combine(run, "checkpoints")).Latest!.Epoch);
    }

    [Fact]
    [Trait("Category", "Slow")]
    public void Train_DefaultRing8Run_GivesNoHealthWarning()
    {
        // Given / When the README's main command: 60 epochs of ring8 with every default (seed 42)
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var (code, output, error) = CliRunner.Run("train", "--out", run);

        // Then it succeeds and nothing goes to standard error: the health monitor saw nothing wrong
        Assert.True(code == 0, error);
        Assert.Equal(string.Empty, error);
        Assert.Contains("Epoch 60/60", output, StringComparison.Ordinal);
    }

    private static void PoisonLatestCheckpoint(string run)
    {
        var folder = new RunFolder(run);
        var configuration = RunConfiguration.Load(folder.ConfigurationFile);
        var manager = new CheckpointManager(folder.CheckpointFolder, configuration.Keep);
        using var gan = configuration.CreateGan(configuration.SampleShape!);
        using var saved = manager.LoadLatest();
        saved.RestoreInto(gan);
        using (torch.no_grad()) gan.Generator.TrainableVariables[0].fill_(double.NaN);
        var metadata = saved.Metadata.Where(kv => kv.Key is not ("format" or "epoch" or "step" or "seed")).ToDictionary(kv => kv.Key, kv => kv.Value);
        using var poisoned = TrainingCheckpoint.Capture(gan, saved.Epoch, saved.Step, saved.FixedNoise, metadata);
        manager.Save(poisoned);
    }
}
