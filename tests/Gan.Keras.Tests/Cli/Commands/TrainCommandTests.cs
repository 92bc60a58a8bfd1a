using System.Text.Json.Nodes;
using Gan.Keras.Export.TensorBoard;
using Gan.Keras.Tests.Export.TensorBoard;
using Gan.Keras.Export;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class TrainCommandTests
{
    [Fact]
    public void Train_WritesEveryOutput_AndOnePlainLinePerEpoch()
    {
        // Given an empty output folder
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");

        // When 2 epochs of ring8 are trained with output redirected (as in CI)
        var (code, output, error) = CliRunner.Run("train", "--epochs", "2", "--batch-size", "1000", "--out", run);

        // Then it succeeds, prints one line per epoch with the losses and scores, and writes every output
        Assert.True(code == 0, error);
        var epochLines = output.Split('\n').Where(l => l.StartsWith("Epoch ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, epochLines.Count);
        Assert.Matches(@"^Epoch 2/2  10/10  \S+  [\d.]+ steps/s  d_loss [\d.]+  g_loss [\d.]+  D\(x\) [\d.]+  D\(G\(z\)\) [\d.]+$", epochLines[1]);
        foreach (var file in new[] { "run.json", "weights.safetensors", "samples.csv", "samples.png", "losses.png", "history.csv", "checkpoints/checkpoint.json", "checkpoints/ckpt-000002.safetensors", "samples/epoch-0001.png", "samples/epoch-0002.png" })
            Assert.True(File.Exists(Path.Combine(run, file)), $"{file} is missing");
        Assert.Equal(2501, File.ReadAllLines(Path.Combine(run, "samples.csv")).Length);
        using (var scatter = SKBitmap.Decode(Path.Combine(run, "samples.png"))) Assert.Equal((480, 480), (scatter.Width, scatter.Height));
        var events = TensorBoardEventReader.Read(Directory.GetFiles(Path.Combine(run, "tensorboard", "train")).Single());
        Assert.Equal(20, events.SelectMany(e => e.Values).Count(v => v.Tag == "batch_g_loss"));
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!;
        Assert.Equal("mlp-small", settings["model"]!.GetValue<string>());
    }

    [Fact]
    public void Train_ReadsConfigFile_AndFlagsOverrideIt()
    {
        // Given a config file setting epochs, batch size and seed
        string folder = TestPaths.NewTempFolder();
        string config = Path.Combine(folder, "config.json");
        File.WriteAllText(config, "{\"epochs\": 3, \"batch-size\": 2000, \"seed\": 5, \"out\": \"" + Path.Combine(folder, "from-config").Replace("\\", "\\\\", StringComparison.Ordinal) + "\"}");

        // When training with that config and --epochs 1
        var (code, _, error) = CliRunner.Run("train", "--config", config, "--epochs", "1", "--quiet");

        // Then the flag won, the rest came from the file (including the output folder)
        Assert.True(code == 0, error);
        var settings = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "from-config", "run.json")))!;
        Assert.Equal(1, settings["epochs"]!.GetValue<int>());
        Assert.Equal(2000, settings["batch-size"]!.GetValue<int>());
        Assert.Equal(5, settings["seed"]!.GetValue<long>());
    }

    [Fact]
    public void Train_ReusesARunsOwnRunJson_AsConfig()
    {
        // Given a finished run
        string folder = TestPaths.NewTempFolder();
        string first = Path.Combine(folder, "first"), second = Path.Combine(folder, "second");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "1", "--batch-size", "2000", "--seed", "3", "--out", first, "--quiet").ExitCode);

        // When its run.json (with its format and sample-shape keys) configures a new run
        var (code, _, error) = CliRunner.Run("train", "--config", Path.Combine(first, "run.json"), "--out", second, "--quiet");

        // Then the new run has the same settings and, on the CPU, the same weights
        Assert.True(code == 0, error);
        Assert.Equal(File.ReadAllText(Path.Combine(first, "run.json")), File.ReadAllText(Path.Combine(second, "run.json")));
        Assert.Equal(File.ReadAllBytes(Path.Combine(first, "weights.safetensors")), File.ReadAllBytes(Path.Combine(second, "weights.safetensors")));
    }

    [Fact]
    public void Resume_TrainsMoreEpochsAdditively_AndEndsBitwiseEqualToAnUninterruptedRun()
    {
        // Given an uninterrupted 3-epoch run, and a 2-epoch run with the same seed
        string folder = TestPaths.NewTempFolder();
        string whole = Path.Combine(folder, "whole"), split = Path.Combine(folder, "split");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "3", "--batch-size", "1000", "--seed", "9", "--out", whole, "--quiet").ExitCode);
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "2", "--batch-size", "1000", "--seed", "9", "--out", split, "--quiet").ExitCode);

        // When the second run is resumed with --epochs 1 (one MORE epoch, not a total of 1)
        var (code, output, error) = CliRunner.Run("train", "--resume", split, "--epochs", "1");

        // Then it trains only epoch 3, logs 3 epochs in all, and its weights equal the uninterrupted run's bit for bit
        Assert.True(code == 0, error);
        Assert.Contains("Resuming", output);
        Assert.Contains("training epochs 3 to 3", output);
        Assert.Single(output.Split('\n'), l => l.StartsWith("Epoch ", StringComparison.Ordinal));
        Assert.Equal(new[] { 0, 1, 2 }, Gan.Keras.Callbacks.CsvLogger.ReadRows(Path.Combine(split, "history.csv")).Select(r => r.Epoch));
        var (expected, _) = SafeTensorsFile.Load(Path.Combine(whole, "weights.safetensors"));
        var (actual, _) = SafeTensorsFile.Load(Path.Combine(split, "weights.safetensors"));
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (name, tensor) in expected)
            Assert.True(tensor.bytes.SequenceEqual(actual[name].bytes), $"'{name}' differs");
        Assert.Equal(File.ReadAllBytes(Path.Combine(whole, "samples.csv")), File.ReadAllBytes(Path.Combine(split, "samples.csv")));

        // And resuming the completed run without --epochs has nothing to do
        var again = CliRunner.Run("train", "--resume", split);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("Nothing to do", again.Out);
    }

    [Fact]
    public void Resume_RefusesToChangeTheModel_AndTrainRefusesToOverwriteARun()
    {
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        Assert.Equal(0, CliRunner.Run("train", "--epochs", "1", "--batch-size", "2000", "--out", run, "--quiet").ExitCode);

        var changed = CliRunner.Run("train", "--resume", run, "--model", "mlp");
        Assert.Equal(2, changed.ExitCode);
        Assert.Contains("--model mlp differs from the run being resumed (model mlp-small", changed.Error);

        var overwrite = CliRunner.Run("train", "--out", run);
        Assert.Equal(2, overwrite.ExitCode);
        Assert.Contains($"already holds a training run. Continue it with --resume {run}", overwrite.Error);
    }

    [Fact]
    public void Train_InFloat64_WritesDoublePrecisionWeights_AndResumesInFloat64()
    {
        // Given a float64 run of 1 epoch
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var (code, output, error) = CliRunner.Run("train", "--epochs", "1", "--batch-size", "1000", "--dtype", "float64", "--out", run);
        Assert.True(code == 0, error);
        Assert.Contains("device cpu, float64", output);

        // When it is resumed for one more epoch (and a wrong dtype is refused by name)
        var resumed = CliRunner.Run("train", "--resume", run, "--epochs", "1", "--quiet");
        var wrong = CliRunner.Run("train", "--epochs", "1", "--dtype", "float16", "--out", Path.Combine(run, "other"));

        // Then every saved weight is float64, run.json keeps the dtype, and the bad value is a usage error
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        var (weights, _) = SafeTensorsFile.Load(Path.Combine(run, "weights.safetensors"));
        Assert.All(weights.Values, t => Assert.Equal(TorchSharp.torch.float64, t.dtype));
        Assert.Equal("float64", JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!["dtype"]!.GetValue<string>());
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("float16", wrong.Error);
    }
    [Fact]
    public void Train_MixedBfloat16_SavesThePolicy_KeepsFloat32Weights_AndResumes()
    {
        // Given a mixed_bfloat16 run of 1 epoch
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var (code, output, error) = CliRunner.Run("train", "--epochs", "1", "--batch-size", "1000", "--dtype", "mixed_bfloat16", "--out", run);
        Assert.True(code == 0, error);
        Assert.Contains("device cpu, mixed_bfloat16", output);

        // When it is resumed for one more epoch, and resuming it as float32 is tried
        var resumed = CliRunner.Run("train", "--resume", run, "--epochs", "1", "--quiet");
        var wrong = CliRunner.Run("train", "--resume", run, "--epochs", "1", "--dtype", "float32");

        // Then the weights are float32 and name the policy, run.json keeps it, and the other dtype is refused by name
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        var (weights, metadata) = SafeTensorsFile.Load(Path.Combine(run, "weights.safetensors"));
        Assert.All(weights.Values, t => Assert.Equal(TorchSharp.torch.float32, t.dtype));
        Assert.Equal("mixed_bfloat16", metadata["dtype"]);
        Assert.Equal("mixed_bfloat16", JsonNode.Parse(File.ReadAllText(Path.Combine(run, "run.json")))!["dtype"]!.GetValue<string>());
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--dtype float32 differs from the run being resumed (dtype mixed_bfloat16", wrong.Error);
    }
}
