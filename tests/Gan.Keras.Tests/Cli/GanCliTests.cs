using Xunit;

namespace Gan.Keras.Tests.Cli;

public class GanCliTests
{
    [Theory]
    [InlineData("--epochs must be positive (got 0)", "train", "--epochs", "0")]
    [InlineData("'abc' is not a valid value for --epochs: expected a whole number", "train", "--epochs", "abc")]
    [InlineData("Unknown option 'bogus'", "train", "--bogus")]
    [InlineData("Unknown --model 'dcgan2'. Valid: mlp, mlp-small, dcgan, conditional.", "train", "--model", "dcgan2")]
    [InlineData("Unknown --loss 'nope'. Valid: minimax, non-saturating, non-saturating-r1, lsgan, wgan, wgan-gp, hinge.", "train", "--loss", "nope")]
    [InlineData("Unknown --data 'cifar100'. Valid: ring8, grid25, shapes, mnist[:<folder>]", "train", "--data", "cifar100")]
    [InlineData("Unknown --data 'no/such/folder'", "train", "--data", "no/such/folder")]
    [InlineData("--threads must be positive (got 0)", "train", "--threads", "0")]
    [InlineData("Unknown --device 'tpu'. Valid: auto, cpu, cuda", "train", "--device", "tpu")]
    [InlineData("Config file 'missing.json' does not exist", "train", "--config", "missing.json")]
    [InlineData("--resume folder 'no-such-run' does not exist", "train", "--resume", "no-such-run")]
    [InlineData("--checkpoint is required", "sample")]
    [InlineData("must end in .png or .csv", "sample", "--checkpoint", ".", "--out", "x.jpg")]
    [InlineData("'x' is not a valid value for --n", "sample", "--checkpoint", ".", "--n", "x")]
    [InlineData("Unknown command 'fly'", "fly")]
    public void InvalidArguments_PrintOneClearLine_AndExitWith2(string expected, params string[] args)
    {
        // When the command line is invalid
        var (code, _, error) = CliRunner.Run(args);

        // Then exactly one line goes to standard error, saying what is wrong, and the exit code is 2
        Assert.Equal(2, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("gan: error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(expected, lines[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Verbose_AddsTheStackTrace_AfterTheOneLine()
    {
        var (code, _, error) = CliRunner.Run("train", "--quiet", "--verbose");
        Assert.Equal(2, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("gan: error: --quiet and --verbose cannot be used together.", lines[0]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void DeviceCuda_RaisesClearError_WhenCudaIsUnavailable()
    {
        Skip.If(TorchSharp.torch.cuda.is_available(), "CUDA is available here.");
        var (code, _, error) = CliRunner.Run("train", "--device", "cuda", "--out", TestPaths.NewTempFolder());
        Assert.Equal(2, code);
        Assert.Contains("CUDA is not available (torch.cuda.is_available() is false", error);
    }

    [Fact]
    public void ConfigFile_RaisesClearError_ForUnknownKey()
    {
        string config = Path.Combine(TestPaths.NewTempFolder(), "c.json");
        File.WriteAllText(config, "{\"epochs\": 2, \"learning_rate\": 0.1}");
        var (code, _, error) = CliRunner.Run("train", "--config", config);
        Assert.Equal(2, code);
        Assert.Contains($"Config file '{config}' has unknown key 'learning_rate'. Valid keys: format, data, model, loss, epochs, batch-size", error);
    }

    [Theory]
    [InlineData("train")]
    [InlineData("sample")]
    [InlineData("parity")]
    public void Help_IsAvailableOnEveryCommand(string command)
    {
        var (code, output, _) = CliRunner.Run(command, "--help");
        Assert.Equal(0, code);
        Assert.Contains($"gan {command}", output);
    }
}
