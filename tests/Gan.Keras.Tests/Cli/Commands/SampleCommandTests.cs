using System.Text;
using Gan.Keras.Export.Checkpoints;
using Gan.Keras.Tests.Fuzzing;
using Gan.Keras.Training;
using SkiaSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class SampleCommandTests
{
    private static string TrainedRun()
    {
        string run = Path.Combine(TestPaths.NewTempFolder(), "run");
        var result = CliRunner.Run("train", "--epochs", "1", "--batch-size", "2000", "--out", run, "--quiet");
        Assert.True(result.ExitCode == 0, result.Error);
        return run;
    }

    [Fact]
    public void Sample_WritesCsvAndPng_Reproducibly()
    {
        // Given a trained run
        string run = TrainedRun();
        string csv = Path.Combine(run, "s.csv"), csv2 = Path.Combine(run, "s2.csv"), png = Path.Combine(run, "s.png");

        // When 16 samples are drawn twice as CSV (same seed), and 64 as a picture via --n
        var first = CliRunner.Run("sample", "--checkpoint", run, "--n", "16", "--out", csv, "--seed", "4");
        CliRunner.Run("sample", "--checkpoint", Path.Combine(run, "checkpoints"), "--count", "16", "--out", csv2, "--seed", "4");
        var picture = CliRunner.Run("sample", "--checkpoint", run, "--n", "64", "--out", png);

        // Then the CSV has 16 points, is the same both times, and the picture is a scatter plot; the checkpoint was verified
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(17, File.ReadAllLines(csv).Length);
        Assert.Equal(File.ReadAllBytes(csv), File.ReadAllBytes(csv2));
        Assert.Contains("SHA-256 verified", first.Out);
        Assert.Equal(0, picture.ExitCode);
        using var bitmap = SKBitmap.Decode(png);
        Assert.Equal((480, 480), (bitmap.Width, bitmap.Height));
    }

    [Fact]
    public void Sample_RefusesTamperedCheckpoint_WithExit1NamingTheFile()
    {
        // Given a run whose checkpoint file was modified
        string run = TrainedRun();
        string file = Path.Combine(run, "checkpoints", new CheckpointManager(Path.Combine(run, "checkpoints")).Latest!.File);
        var bytes = File.ReadAllBytes(file);
        bytes[^1] ^= 0xff;
        File.WriteAllBytes(file, bytes);

        // When sampling from it, then it is refused with one line naming the file
        var (code, _, error) = CliRunner.Run("sample", "--checkpoint", run);
        Assert.Equal(1, code);
        Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(file, error);
        Assert.Contains("SHA-256", error);
    }

    [Fact]
    public void Sample_RefusesACorruptRunJson_AsADataError_Exit1NamingTheFile()
    {
        // Given a trained run, and 30 seeded mutations of its run.json (by JSON structure or by bytes)
        string run = TrainedRun();
        string runJson = Path.Combine(run, "run.json");
        byte[] valid = File.ReadAllBytes(runJson);
        var mutator = new Mutator(seed: 5);
        var codes = new List<(int Code, string Description, string Error)>();

        // When sampling from the run after each mutation
        for (int i = 0; i < 30; i++)
        {
            var mutation = mutator.Random.Next(5) < 3
                ? new JsonMutator(mutator.Random, "epochs", "batch-size", "model", "sample-shape", "seed", "mlp", "-1", "[]", "{}").Mutate(Encoding.UTF8.GetString(valid))
                : mutator.Mutate(valid);
            File.WriteAllBytes(runJson, mutation.Bytes);
            var (code, _, error) = CliRunner.Run("sample", "--checkpoint", run, "--n", "4", "--out", Path.Combine(run, "s.csv"));
            codes.Add((code, mutation.Description, error));
        }

        // Then the run file the user did not write is never a usage error (2): each read (0) or was refused as corrupt data
        // (1) in one line naming run.json, and most were refused
        Assert.All(codes, c => Assert.True(c.Code is 0 or 1, $"exit {c.Code} after {c.Description}: {c.Error}"));
        Assert.All(codes.Where(c => c.Code == 1), c => Assert.Contains(runJson, c.Error, StringComparison.Ordinal));
        Assert.True(codes.Count(c => c.Code == 1) >= 15, $"{codes.Count(c => c.Code == 1)} of 30 mutations refused");
    }

    [Fact]
    public void Sample_RefusesLabels_ForAnUnconditionalModel()
    {
        string run = TrainedRun();
        var (code, _, error) = CliRunner.Run("sample", "--checkpoint", run, "--labels", "1,2,3");
        Assert.Equal(2, code);
        Assert.Contains("--labels: this run's model 'mlp-small' is not conditional", error);
    }
}
