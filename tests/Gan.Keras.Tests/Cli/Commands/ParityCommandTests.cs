using Gan.Keras.Cli;
using Gan.Keras.Export;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class ParityCommandTests
{
    [Fact]
    public void Parity_ExitsOne_WhenATraceIsOutsideTolerance()
    {
        string golden = TestData.Golden("torch_wgangp_seed3.safetensors");
        string tampered = Path.Combine(TestPaths.NewTempFolder(), "tampered.safetensors");
        var (tensors, metadata) = SafeTensorsFile.Load(golden);
        using (torch.no_grad()) tensors["losses.d"][2].add_(1e-3f);
        SafeTensorsFile.Save(tampered, tensors, metadata);
        File.Copy(TestData.Golden("torch_wgangp_seed3_final.safetensors"), Path.ChangeExtension(tampered, null) + "_final.safetensors");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int code;
        try
        {
            code = GanCli.Run(new[] { "parity", tampered });
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(1, code);
        Assert.Contains("\"pass\":false", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"d_loss_first5\":0.00099", output.ToString(), StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Theory]
    [InlineData(false, "\"implementation\":\"Gan.Keras")]
    [InlineData(true, "\"implementation\":\"TorchSharp reference")]
    public void Parity_ReplaysWithGanKerasByDefault_AndWithTheRawPortUnderReference(bool reference, string expected)
    {
        var args = new List<string> { "parity", TestData.Golden("torch_mlp_gan_seed1.safetensors") };
        if (reference) args.Add("--reference");
        var output = new StringWriter();
        var previous = Console.Out;
        Console.SetOut(output);
        int code;
        try
        {
            code = GanCli.Run(args.ToArray());
        }
        finally
        {
            Console.SetOut(previous);
        }

        Assert.Equal(0, code);
        Assert.Contains(expected, output.ToString(), StringComparison.Ordinal);
        Assert.Contains("\"pass\":true", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Parity_ExitsTwo_WithOneLine_WhenTheFileDoesNotExist()
    {
        var error = new StringWriter();
        var previous = Console.Error;
        Console.SetError(error);
        int code;
        try
        {
            code = GanCli.Run(new[] { "parity", "/nonexistent/trace.safetensors" });
        }
        finally
        {
            Console.SetError(previous);
        }

        Assert.Equal(2, code);
        Assert.Contains("does not exist", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error.ToString(), StringComparison.Ordinal);
    }
}
