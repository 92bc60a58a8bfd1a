using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public partial class ServeCommandTests
{
    [Theory]
    [InlineData(new[] { "serve" }, "Give exactly one of --checkpoint (a run folder of `gan train`) or --onnx (a file of `gan export`).")]
    [InlineData(new[] { "serve", "--checkpoint", ".", "--onnx", "a.onnx" }, "Give exactly one of --checkpoint")]
    [InlineData(new[] { "serve", "--onnx", "/nonexistent.onnx" }, "--onnx '/nonexistent.onnx' does not exist.")]
    [InlineData(new[] { "serve", "--checkpoint", ".", "--port", "70000" }, "--port must be from 0 to 65535 (got 70000).")]
    [InlineData(new[] { "serve", "--checkpoint", ".", "--host", "example.com" }, "--host 'example.com' is not an IP address")]
    public void Serve_RefusesBadArguments_WithExit2(string[] args, string message)
    {
        var (code, _, error) = CliRunner.Run(args);

        Assert.Equal(2, code);
        Assert.Contains(message, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Serve_RefusesAFileThatIsNotOnnx_WithOneLine()
    {
        string file = Path.Combine(TestPaths.NewTempFolder(), "model.onnx");
        File.WriteAllText(file, "not a model");

        var (code, _, error) = CliRunner.Run("serve", "--onnx", file);

        Assert.Equal(1, code);
        Assert.StartsWith($"gan: error: '{file}' is not a valid ONNX model", error, StringComparison.Ordinal);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Serve_ListensOnLoopback_AndServesTheRunsSamples()
    {
        // Given a trained run
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var trained = CliRunner.Run("train", "--epochs", "1", "--batch-size", "2000", "--out", run, "--quiet");
        Assert.True(trained.ExitCode == 0, trained.Error);

        // When `gan serve` runs on any free port
        using var process = CliRunner.Start(new[] { "serve", "--checkpoint", run, "--port", "0" });
        try
        {
            string? line;
            Match match;
            do
            {
                line = await process.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(120));
                if (line is null) Assert.Fail("gan serve exited: " + await process.StandardError.ReadToEndAsync());
                match = OpenLine().Match(line!);
            }
            while (!match.Success);
            using var http = new HttpClient { BaseAddress = new Uri(match.Groups[1].Value), Timeout = TimeSpan.FromSeconds(60) };

            // Then it is on 127.0.0.1, describes the run, and serves a PNG and one-line 400s
            Assert.StartsWith("http://127.0.0.1:", match.Groups[1].Value, StringComparison.Ordinal);
            using var info = JsonDocument.Parse(await http.GetStringAsync(new Uri("api/info", UriKind.Relative)));
            Assert.Contains("ckpt-000001.safetensors (epoch 1, model mlp-small, data ring8; Gan.Keras on libtorch)", info.RootElement.GetProperty("description").GetString(), StringComparison.Ordinal);
            using var png = await http.GetAsync(new Uri("api/samples?seed=1&n=50", UriKind.Relative));
            Assert.Equal("image/png", png.Content.Headers.ContentType!.MediaType);
            using var bad = await http.GetAsync(new Uri("api/samples?seed=1&labels=2", UriKind.Relative));
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            Assert.Equal("labels: this generator is not conditional, so it takes no labels", await bad.Content.ReadAsStringAsync());
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    [GeneratedRegex(@"^Open (http://[^ ]+/) ")]
    private static partial Regex OpenLine();
}
