using Gan.Keras.Cli;
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

    [Theory]
    [InlineData("native", "gan: error: libtorch: mat1 and mat2 shapes cannot be multiplied (4x3 and 2x5)")]
    [InlineData("native-oom", "gan: error: Out of memory in libtorch: DefaultCPUAllocator: can't allocate memory: you tried to allocate 4503599627370496 bytes.")]
    [InlineData("overflow", "gan: error: Arithmetic overflow: Arithmetic operation resulted in an overflow. A size or count is too large; use smaller values.")]
    [InlineData("out-of-memory", "gan: error: Out of memory (Array dimensions exceeded supported range.). Use a smaller batch")]
    [InlineData("stack", "gan: error: Out of stack space: ")]
    [InlineData("argument", "gan: error: Value 'x' is not valid for samples.")]
    [InlineData("data", "gan: error: IDX file 'images.idx' has a bad magic number at byte 0.")]
    [InlineData("unexpected", "gan: error: Unexpected NullReferenceException: Object reference not set to an instance of an object. Run with --verbose")]
    public void RuntimeFailures_InAnyCommand_PrintOneLine_AndExitWith1(string kind, string expected)
    {
        // When a command (here one the tests add, so a new command gets the same mapping) fails while running
        var (code, _, error) = CliRunner.RunWithFailingCommand("fail", kind);

        // Then exactly one line goes to standard error, without a stack trace or libtorch's C++ backtrace, and the exit code is 1
        Assert.Equal(GanCli.RuntimeError, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(lines.Length == 1, error);
        Assert.StartsWith(expected, lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("frame #", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception raised from", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NativeError_ShowsTheStackTraceAndBacktrace_OnlyWithVerbose()
    {
        // When libtorch's shape check fails under --verbose
        var (code, _, error) = CliRunner.RunWithFailingCommand("fail", "native", "--verbose");

        // Then the one line comes first, then the exception with its stack trace
        Assert.Equal(GanCli.RuntimeError, code);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("gan: error: libtorch: mat1 and mat2 shapes cannot be multiplied (4x3 and 2x5)", lines[0]);
        Assert.Contains(lines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public void NativeLine_KeepsTheFirstMeaningfulLineOfALibtorchMessage()
    {
        // Given libtorch's message layout: the error, then "Exception raised from", then the C++ frames
        string message = "\nThe size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1\nException raised from infer_size_impl at /pytorch/aten/src/ATen/ExpandUtils.cpp:31 (most recent call first):\nframe #0: c10::Error::Error(...) + 0x9c\n";

        // Then only the error itself is kept
        Assert.Equal("The size of tensor a (3) must match the size of tensor b (4) at non-singleton dimension 1", GanCli.NativeLine(message));
        Assert.Equal("native error without a message.", GanCli.NativeLine("Exception raised from x\nframe #0: y"));
        Assert.Equal("DefaultCPUAllocator: can't allocate memory: you tried to allocate 8 bytes.", GanCli.NativeLine("[enforce fail at alloc_cpu.cpp:127] err == 0. DefaultCPUAllocator: can't allocate memory: you tried to allocate 8 bytes.\nframe #0: x"));
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
