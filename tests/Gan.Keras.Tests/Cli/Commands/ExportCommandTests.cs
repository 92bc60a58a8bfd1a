using Gan.Keras.Cli.Training;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Models;
using Gan.Keras.Tests.Export.Onnx;
using Gan.Keras.Training;
using Gan.Keras.Training.Runs;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class ExportCommandTests
{
    private static string TrainedRun(params string[] extra)
    {
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var result = CliRunner.Run(new[] { "train", "--epochs", "1", "--batch-size", "2000", "--out", run, "--quiet" }.Concat(extra).ToArray());
        Assert.True(result.ExitCode == 0, result.Error);
        return run;
    }

    [Fact]
    public void Export_WritesAnOnnxModel_ThatOnnxRuntimeRunsAsTheCheckpoint()
    {
        // Given a trained run
        string run = TrainedRun();
        string onnx = Path.Combine(run, "exported", "ring.onnx");

        // When its generator is exported
        var (code, output, error) = CliRunner.Run("export", "--checkpoint", run, "--onnx", onnx);

        // Then one line says what was written, and ONNX Runtime gives the checkpoint's samples for the same latent vectors
        Assert.True(code == 0, error);
        Assert.Matches(@"^Exported the generator of .*ckpt-000001\.safetensors \(epoch 1, SHA-256 verified; trained weights\) to .*ring\.onnx: ONNX opset 17, [0-9.]+ MB; latent \[batch, 16\] float32 -> samples \[batch, 2\] float32\n$", output);
        using var saved = SavedRun.Load(run);
        using var runner = new OnnxRunner(File.ReadAllBytes(onnx));
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 64, 16 }, generator: new torch.Generator(4));
        Assert.True((saved.Gan.GenerateFrom(z) - runner.Run(z)).abs().max().item<float>() <= 1e-5);
    }

    [Fact]
    public void Export_OfAConditionalRun_TakesLabels_AndDefaultsToTheRunFolder()
    {
        // Given a conditional DCGAN trained for one step on 64 digits
        string data = TinyMnist.Write(64);
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var trained = CliRunner.Run("train", "--data", $"mnist:{data}", "--model", "conditional", "--epochs", "1", "--batch-size", "64", "--out", run, "--quiet");
        Assert.True(trained.ExitCode == 0, trained.Error);

        // When it is exported without --onnx
        var (code, output, error) = CliRunner.Run("export", "--checkpoint", run);

        // Then generator.onnx in the run takes labels, and gives the checkpoint's digits of those classes
        Assert.True(code == 0, error);
        Assert.Contains("latent [batch, 64] float32 and labels [batch] int64 (0..9) -> samples [batch, 1, 28, 28] float32", output, StringComparison.Ordinal);
        using var saved = SavedRun.Load(run);
        var conditional = Assert.IsType<ConditionalGanModel>(saved.Gan);
        using var runner = new OnnxRunner(File.ReadAllBytes(Path.Combine(run, "generator.onnx")));
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 20, 64 }, generator: new torch.Generator(4));
        var labels = torch.arange(20, torch.int64) % 10;
        Assert.True((conditional.GenerateFrom(z, labels) - runner.Run(z, labels)).abs().max().item<float>() <= 1e-5);
    }

    [Fact]
    public void Export_UsesTheGeneratorAverage_WhenTheCheckpointHasOne()
    {
        // Given a run whose latest checkpoint holds a moving average of the generator that differs from its weights
        string run = TrainedRun();
        torch.Tensor expected, trained;
        var z = torch.randn(new long[] { 32, 16 }, generator: new torch.Generator(8));
        using (var saved = SavedRun.Load(run))
        {
            saved.Gan.GeneratorEmaDecay = 0.5;
            using (torch.no_grad())
                foreach (var tensor in saved.Gan.GeneratorEmaWeights.Values) tensor.mul_(0.5);
            using var checkpoint = TrainingCheckpoint.Capture(saved.Gan, epoch: 2, step: 10);
            new CheckpointManager(new RunFolder(run).CheckpointFolder).Save(checkpoint);
            expected = saved.Gan.GenerateFrom(z);
            trained = saved.Gan.Generator.Call(z);
        }

        // When the run is exported
        var (code, output, error) = CliRunner.Run("export", "--checkpoint", run);

        // Then the ONNX model holds the average, as Generate uses it
        Assert.True(code == 0, error);
        Assert.Contains("(epoch 2, SHA-256 verified; EMA weights)", output, StringComparison.Ordinal);
        using var runner = new OnnxRunner(File.ReadAllBytes(Path.Combine(run, "generator.onnx")));
        var actual = runner.Run(z);
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5);
        Assert.True((trained - actual).abs().max().item<float>() > 1e-3);
    }

    [Theory]
    [InlineData(new[] { "export" }, "--checkpoint is required")]
    [InlineData(new[] { "export", "--checkpoint", "/nonexistent/run" }, "--checkpoint '/nonexistent/run' does not exist.")]
    [InlineData(new[] { "export", "--checkpoint", ".", "--onnx", "model.pb" }, "--onnx 'model.pb' must end in .onnx.")]
    public void Export_RefusesBadArguments_WithExit2(string[] args, string message)
    {
        var (code, _, error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Export_OfAFolderThatIsNotARun_SaysSo()
    {
        string folder = TestPaths.NewTempFolder();

        var (code, _, error) = CliRunner.Run("export", "--checkpoint", folder);

        Assert.Equal(2, code);
        Assert.Contains("is not a training run", error, StringComparison.Ordinal);
    }
}
