using System.Text.Json;
using Gan.Keras.Cli;
using Gan.Keras.Layers;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Tests.Evaluation;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

public class EvalCommandTests
{
    [Fact]
    public void Eval_PrintsModeMetricsAsJson_ForARing8RunFolder()
    {
        // Given a run folder written by "gan train" on ring8 (one short epoch)
        string run = TestPaths.NewTempFolder();
        Assert.Equal(0, Run("train", "--data", "ring8", "--epochs", "1", "--out", run, "--quiet").Code);

        // When the folder is evaluated with a budget of 500 samples
        var (code, output, _) = Run("eval", run, "--samples", "500", "--json");

        // Then it prints one JSON line with the mixture metrics of 500 samples
        Assert.Equal(0, code);
        using var json = JsonDocument.Parse(output.Trim());
        Assert.Equal("ring8", json.RootElement.GetProperty("data").GetString());
        var metrics = json.RootElement.GetProperty("metrics");
        Assert.Equal(500, metrics.GetProperty("sample_count").GetInt32());
        Assert.Equal(8, metrics.GetProperty("total_modes").GetInt32());
        Assert.InRange(metrics.GetProperty("high_quality_fraction").GetDouble(), 0, 1);
    }

    [Fact]
    public void Eval_ExitsWithUsageError_WhenWeightsAreMissing()
    {
        // Given / When a path that does not exist is evaluated
        var (code, _, error) = Run("eval", Path.Combine(TestPaths.NewTempFolder(), "nothing.safetensors"));

        // Then the exit code is 2 and the message names the file
        Assert.Equal(GanCli.UsageError, code);
        Assert.Contains("nothing.safetensors", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_ExitsWithClearError_WhenWeightsDoNotMatchTheArchitecture()
    {
        // Given weights of a 2-D GAN with 64 hidden units instead of 128
        string path = Path.Combine(TestPaths.NewTempFolder(), "weights.safetensors");
        using (var gan = Mlp(hidden: 64, output: 2, latent: 16))
            gan.SaveWeights(path, new Dictionary<string, string> { ["data"] = "ring8" });

        // When they are evaluated
        var (code, _, error) = Run("eval", path);

        // Then the run fails with one line naming the mismatching tensors
        Assert.Equal(GanCli.RuntimeError, code);
        Assert.Contains("do not match", error, StringComparison.Ordinal);
        Assert.Contains("generator.dense_0.kernel", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Eval_ReportsImageMetricsAndClassifierAccuracy_ForAnMnistGenerator()
    {
        // Given an (untrained) article MLP generator saved like gan train saves it, and the classifier cache of this run
        _ = TrainedMnistClassifier.Get();
        string path = Path.Combine(TestPaths.NewTempFolder(), "weights.safetensors");
        using (var gan = ArticleMlp())
            gan.SaveWeights(path, new Dictionary<string, string> { ["data"] = "mnist-t10k" });

        // When it is evaluated against tests/data/mnist with 500 samples, the classifier options of the shared one
        var (code, output, error) = Run("eval", path, "--data", $"mnist:{TestPaths.Mnist}", "--samples", "500", "--resnet-samples", "0",
            "--classifier-cache", TrainedMnistClassifier.CacheFolder, "--classifier-epochs", TrainedMnistClassifier.Options.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Then the cached classifier is used, progress went to standard error, and the JSON line holds the metrics
        Assert.Equal(0, code);
        Assert.Contains("cached", error, StringComparison.Ordinal);
        Assert.Contains("generated samples: 500/500", error, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        var metrics = json.RootElement.GetProperty("metrics");
        Assert.Equal(TrainedMnistClassifier.Get().TestAccuracy, metrics.GetProperty("classifier_test_accuracy").GetDouble());
        Assert.Equal(500, metrics.GetProperty("report").GetProperty("generated_count").GetInt32());
        Assert.True(metrics.GetProperty("report").GetProperty("fid").GetDouble() > 0);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Eval_RebuildsTheRunsOwnPreset_FromRunJson_ForADcganRun()
    {
        // Given a run folder as gan train writes it for --model dcgan: run.json and the DCGAN's weights
        _ = TrainedMnistClassifier.Get();
        string run = TestPaths.NewTempFolder();
        var shape = new long[] { 1, 28, 28 };
        var configuration = new Gan.Keras.Training.Runs.RunConfiguration { Data = $"mnist:{TestPaths.Mnist}", Model = "dcgan", SampleShape = shape, Seed = 0 };
        configuration.Save(Gan.Keras.Training.Runs.RunFolder.ConfigurationPath(run));
        using (var gan = configuration.CreateGan(shape))
            gan.SaveWeights(Path.Combine(run, "weights.safetensors"), new Dictionary<string, string> { ["data"] = "mnist-t10k" });

        // When the folder is evaluated (an MLP would not accept these weights)
        var (code, output, error) = Run("eval", run, "--data", $"mnist:{TestPaths.Mnist}", "--samples", "500", "--resnet-samples", "20",
            "--classifier-cache", TrainedMnistClassifier.CacheFolder, "--classifier-epochs", TrainedMnistClassifier.Options.Epochs.ToString(System.Globalization.CultureInfo.InvariantCulture));

        // Then the DCGAN is rebuilt from run.json and its samples are measured
        Assert.True(code == 0, error);
        using var json = JsonDocument.Parse(output.Trim().Split('\n')[^1]);
        Assert.Equal(500, json.RootElement.GetProperty("metrics").GetProperty("report").GetProperty("generated_count").GetInt32());
        Assert.True(json.RootElement.GetProperty("metrics").GetProperty("fid_resnet18").GetDouble() > 0, "the ResNet-18 metrics stand beside the classifier's");
    }

    private static (int Code, string Output, string Error) Run(params string[] args)
    {
        var (previousOut, previousError) = (Console.Out, Console.Error);
        using var output = new StringWriter();
        using var error = new StringWriter();
        Console.SetOut(output);
        Console.SetError(error);
        try
        {
            int code = GanCli.Run(args);
            return (code, output.ToString(), error.ToString());
        }
        finally
        {
            Console.SetOut(previousOut);
            Console.SetError(previousError);
        }
    }

    private static GanModel Mlp(int hidden, int output, int latent)
    {
        var generator = new Sequential(new Layer[] { new Dense(hidden, "relu"), new Dense(hidden, "relu"), new Dense(output) }, inputShape: new long[] { latent }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(hidden), new LeakyReLU(0.2), new Dense(hidden), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { output }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latent, seed: 0);
        gan.Compile(new Adam(), new Adam(), new Gan.Keras.Losses.BinaryCrossentropy(fromLogits: true));
        return gan;
    }

    private static GanModel ArticleMlp()
    {
        var generator = new Sequential(new Layer[]
        {
            new Dense(128, "relu"), new Dense(256, "relu"), new Dense(512, "relu"), new Dense(1024, "relu"), new Dense(784, "tanh"),
        }, inputShape: new long[] { 100 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(512, "relu"), new Dense(256, "relu"), new Dense(1) }, inputShape: new long[] { 784 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim: 100, seed: 0);
        gan.Compile(new Adam(), new Adam(), new Gan.Keras.Losses.BinaryCrossentropy(fromLogits: true));
        return gan;
    }
}
