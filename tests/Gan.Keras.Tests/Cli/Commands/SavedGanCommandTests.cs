using Gan.Keras.Callbacks;
using Gan.Keras.Cli.Serving;
using Gan.Keras.Cli.Training;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using Gan.Keras.Tests.Export.Onnx;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Cli.Commands;

/// <summary>
/// A GAN whose networks are no preset of the CLI (a functional generator of noise, labels and a code, cropped to
/// 10 × 10, ending in a sigmoid; a two-headed discriminator), opened by <c>gan sample</c>, <c>export</c> and
/// <c>serve</c> without the code that built it: saved whole by <see cref="GanModel.Save"/>, or checkpointed during
/// <see cref="GanModel.Fit"/> by <see cref="ModelCheckpoint"/>.
/// </summary>
public class SavedGanCommandTests
{
    private const int LatentDim = 6;
    private const int Classes = 3;

    [Fact]
    public void SampleAndExport_OpenAGanSavedWhole_AndOnnxRuntimeRunsItWithAllItsInputs()
    {
        // Given a custom GAN trained a little and saved with GanModel.Save
        string folder = TestPaths.NewTempFolder();
        string file = Path.Combine(folder, "custom.keras");
        using (var gan = Trained()) gan.Save(file);

        // When gan sample and gan export are pointed at the file
        var sample = CliRunner.Run("sample", "--checkpoint", file, "--out", Path.Combine(folder, "grid.png"), "--n", "2");
        var export = CliRunner.Run("export", "--checkpoint", file);

        // Then both succeed, and ONNX Runtime, fed the latent vectors, the labels and the code, gives the GAN's samples
        Assert.True(sample.ExitCode == 0, sample.Error);
        Assert.Equal($"Wrote 6 samples from {file} to {Path.Combine(folder, "grid.png")}\n", sample.Out);
        Assert.True(File.Exists(Path.Combine(folder, "grid.png")));
        Assert.True(export.ExitCode == 0, export.Error);
        Assert.Contains("-> samples [batch, 1, 10, 10] float32", export.Out, StringComparison.Ordinal);
        AssertOnnxMatches(file, Path.Combine(folder, "generator.onnx"));
    }

    [Fact]
    public void SampleExportAndServe_OpenAModelCheckpointFolder_WithoutRunJson()
    {
        // Given the same GAN trained by Fit with a ModelCheckpoint callback writing to a folder of its own (no run.json)
        string folder = Path.Combine(TestPaths.NewTempFolder(), "checkpoints");
        using (var gan = Create())
        using (var data = Data())
            gan.Fit(data, epochs: 1, batchSize: 12, callbacks: [new ModelCheckpoint(folder)], verbose: Gan.Keras.Training.FitVerbosity.Silent);

        // When the folder is sampled and exported, and served
        var sample = CliRunner.Run("sample", "--checkpoint", folder, "--labels", "0,2", "--n", "3");
        var export = CliRunner.Run("export", "--checkpoint", Path.Combine(folder, "ckpt-000001.safetensors"), "--onnx", Path.Combine(folder, "g.onnx"));
        using var served = CheckpointSampleSource.FromRun(SavedRun.Load(folder));

        // Then each opens the architecture the checkpoint records, verified by its hash, with the sigmoid's [0, 1] range
        Assert.True(sample.ExitCode == 0, sample.Error);
        Assert.Contains("(epoch 1, SHA-256 verified) to ", sample.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "sample.png")));
        Assert.True(export.ExitCode == 0, export.Error);
        AssertOnnxMatches(folder, Path.Combine(folder, "g.onnx"));
        Assert.Equal((0.0, 1.0), served.OutputRange);
        Assert.Equal(new long[] { 1, 10, 10 }, served.SampleShape);
        Assert.Equal(Classes, served.NumClasses);
    }

    [Fact]
    public void Sample_NamesWhatItAccepts_ForAFolderThatHoldsNoRun()
    {
        // Given an empty folder
        string folder = TestPaths.NewTempFolder();

        // When / Then
        var (code, _, error) = CliRunner.Run("sample", "--checkpoint", folder);
        Assert.NotEqual(0, code);
        Assert.Contains("is not a training run", error, StringComparison.Ordinal);
        Assert.Contains("a file written by GanModel.Save", error, StringComparison.Ordinal);
    }

    private static void AssertOnnxMatches(string saved, string onnx)
    {
        using var run = SavedRun.Load(saved);
        using var runner = new OnnxRunner(File.ReadAllBytes(onnx));
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(new long[] { 5, LatentDim }, generator: new torch.Generator(4));
        var labels = torch.tensor(new long[] { 0, 1, 2, 1, 0 });
        var code = torch.rand(new long[] { 5, 2 }, generator: new torch.Generator(5)) * 2 - 1;
        Assert.Equal(new[] { "latent", "labels", "code" }, runner.Session.InputMetadata.Keys.ToArray());
        var expected = run.Gan.GenerateFrom(new LatentBatch([z, labels, code], labels));
        var actual = runner.Run(new Dictionary<string, torch.Tensor> { ["latent"] = z, ["labels"] = labels.reshape(5, 1), ["code"] = code });
        Assert.Equal(expected.shape, actual.shape);
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5f);
    }

    private static GanModel Trained()
    {
        var gan = Create();
        using var data = Data();
        gan.Fit(data, epochs: 1, batchSize: 12, verbose: Gan.Keras.Training.FitVerbosity.Silent);
        return gan;
    }

    /// <summary>Noise, labels and a uniform code to a cropped 10 × 10 image in [0, 1]; a discriminator with a class head.</summary>
    private static GanModel Create()
    {
        torch.manual_seed(21);
        var noise = Keras.Input([LatentDim], name: "latent");
        var label = Keras.Input([1], torch.int64, name: "labels");
        var code = Keras.Input([2], name: "code");
        var joined = new Concatenate().Call(noise, new Flatten().Call(new Embedding(Classes, 4).Call(label)), code);
        var x = new Reshape([4, 6, 6]).Call(new Dense(4 * 6 * 6, "relu").Call(joined));
        x = new Conv2DTranspose(1, 3, strides: 2, padding: "same").Call(x);
        var image = new Activation("sigmoid").Call(new Cropping2D((1, 1), (1, 1)).Call(x));
        var generator = new Functional([noise, label, code], image, name: "generator");
        var input = Keras.Input([1, 10, 10], name: "image");
        var features = new Dense(8, "leaky_relu").Call(new Flatten().Call(input));
        var discriminator = new Functional(input, [new Dense(1, name: "validity").Call(features), new Dense(Classes, name: "class").Call(features)], name: "discriminator");
        var gan = new GanModel(generator, discriminator, [GeneratorInput.Latent(LatentDim), GeneratorInput.Labels(Classes), GeneratorInput.UniformCode(2, name: "code")], seed: 21);
        gan.Compile(new Adam(1e-3, 0.5), new Adam(1e-3, 0.5), new NonSaturatingLoss(),
            [new OutputLoss(new SparseCategoricalCrossentropy(fromLogits: true), OutputTarget.Labels)]);
        return gan;
    }

    private static InMemoryDataset Data() =>
        new(torch.rand(24, 1, 10, 10, generator: new torch.Generator(3)), torch.tensor(Enumerable.Range(0, 24).Select(i => (long)(i % Classes)).ToArray()));
}
