using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

public class GanModelTests
{
    internal static GanModel SmallGan(long seed, int dataDim = 2, int latent = 4)
    {
        RandomSeed.Set(seed);
        var generator = new Sequential(new Layer[] { new Dense(16, "relu"), new Dense(dataDim) }, inputShape: new long[] { latent }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(16), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { dataDim }, name: "discriminator");
        return new GanModel(generator, discriminator, latent, seed);
    }

    internal static void CompileDefault(GanModel gan) =>
        gan.Compile(new Adam(1e-3, 0.5), new Adam(1e-3, 0.5), new BinaryCrossentropy(fromLogits: true));

    [Fact]
    public void Fit_BeforeCompile_SaysToCallCompile()
    {
        using var gan = SmallGan(1);
        using var data = GaussianMixtures.Ring8(64);

        var ex = Assert.Throws<InvalidOperationException>(() => gan.Fit(data));

        Assert.Equal("Call Compile() before Fit().", ex.Message);
    }

    [Fact]
    public void Fit_RaisesClearError_WhenDataShapeDoesNotMatchDiscriminatorInput()
    {
        using var gan = SmallGan(1);
        CompileDefault(gan);
        using var images = new InMemoryDataset(torch.zeros(8, 1, 28, 28));

        var ex = Assert.Throws<IncompatibleInputException>(() => gan.Fit(images, batchSize: 4));

        Assert.Contains("expects examples of shape (None, 2)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("have shape (None, 1, 28, 28)", ex.Message, StringComparison.Ordinal);
        Assert.Equal(new long[] { 2 }, ex.Expected);
        Assert.Equal(new long[] { 1, 28, 28 }, ex.Actual);
    }

    [Fact]
    public void Fit_ReturnsHistoryWithOneMeanPerEpoch_AndCallsCallbacksInKerasOrder()
    {
        using var gan = SmallGan(2);
        CompileDefault(gan);
        using var data = GaussianMixtures.Ring8(256, seed: 2);
        var events = new List<string>();
        var recorder = new RecordingCallback(events);

        var history = gan.Fit(data, epochs: 3, batchSize: 64, callbacks: new[] { recorder });

        Assert.Equal(new[] { 0, 1, 2 }, history.Epochs);
        foreach (var key in new[] { "d_loss", "g_loss", "d_real", "d_fake" })
            Assert.Equal(3, history[key].Count);
        Assert.All(history["d_real"], p => Assert.InRange(p, 0, 1));
        Assert.Equal("train_begin:3:4", events[0]);
        Assert.Equal(new[] { "epoch_begin:0", "batch_begin:0", "batch_end:0" }, events.Skip(1).Take(3));
        Assert.Equal("train_end", events[^1]);
        Assert.Equal(3 * (2 + 2 * 4) + 2, events.Count);
    }

    [Fact]
    public void Fit_WithSameSeed_IsReproducible_AndDifferentSeedDiffers()
    {
        float[] Train(long seed)
        {
            using var gan = SmallGan(seed);
            CompileDefault(gan);
            using var data = GaussianMixtures.Ring8(256, seed: 0);
            gan.Fit(data, epochs: 2, batchSize: 32);
            return gan.WeightTensors()["generator.dense_1.kernel"].data<float>().ToArray();
        }

        var a = Train(11);
        var b = Train(11);
        var c = Train(12);

        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    [Fact]
    public void TrainStep_KeepsLiveTensorCountFlat()
    {
        using var gan = SmallGan(3);
        CompileDefault(gan);
        using var data = GaussianMixtures.Ring8(64 * 60, seed: 3);
        var batches = data.GetBatches(64, shuffle: false).ToList();
        void Step(Batch b)
        {
            using var scope = torch.NewDisposeScope();
            gan.TrainStep(b);
        }

        for (int i = 0; i < 10; i++) Step(batches[i]);
        long afterWarmup = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 10; i < 60; i++) Step(batches[i]);
        long afterMany = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Assert.True(afterMany <= afterWarmup, $"live tensors grew from {afterWarmup} to {afterMany} over 50 steps");
    }

    [Fact]
    public void SaveWeights_ThenLoadWeights_RestoresEveryTensor_UnderKerasNames()
    {
        string folder = TestPaths.NewTempFolder();
        string path = Path.Combine(folder, "w.safetensors");
        using var trained = SmallGan(4);
        CompileDefault(trained);
        using var data = GaussianMixtures.Ring8(128);
        trained.Fit(data, epochs: 1, batchSize: 32);

        trained.SaveWeights(path);
        using var fresh = SmallGan(5);
        fresh.LoadWeights(path);

        Assert.Equal(
            new[] { "discriminator.dense_0.bias", "discriminator.dense_0.kernel", "discriminator.dense_1.bias", "discriminator.dense_1.kernel", "generator.dense_0.bias", "generator.dense_0.kernel", "generator.dense_1.bias", "generator.dense_1.kernel" },
            fresh.WeightTensors().Keys.Order(StringComparer.Ordinal));
        Assert.Equal(new long[] { 4, 16 }, fresh.WeightTensors()["generator.dense_0.kernel"].shape);
        foreach (var (name, tensor) in trained.WeightTensors())
            Assert.True(tensor.equal(fresh.WeightTensors()[name]).all().item<bool>(), name);
        using var a = trained.Generate(5, seed: 9);
        using var b = fresh.Generate(5, seed: 9);
        Assert.True(a.equal(b).all().item<bool>());
    }

    [Fact]
    public void LoadWeights_FromOtherArchitecture_ListsEveryMismatch()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "w.safetensors");
        using var small = SmallGan(6);
        small.SaveWeights(path);
        using var wider = SmallGan(6, dataDim: 3);

        var ex = Assert.Throws<InvalidDataException>(() => wider.LoadWeights(path));

        Assert.Contains("'generator.dense_1.kernel': saved [16, 2], model has [16, 3]", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'discriminator.dense_0.kernel': saved [2, 16], model has [3, 16]", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Generate_WithSeed_IsDeterministic_AndInInferenceMode()
    {
        using var gan = SmallGan(7);

        using var a = gan.Generate(10, seed: 1);
        using var b = gan.Generate(10, seed: 1);

        Assert.Equal(new long[] { 10, 2 }, a.shape);
        Assert.False(a.requires_grad);
        Assert.True(a.equal(b).all().item<bool>());
    }

    [Fact]
    public void Compile_RejectsASharedOptimizer()
    {
        using var gan = SmallGan(8);
        var adam = new Adam();

        Assert.Throws<ArgumentException>(() => gan.Compile(adam, adam, new BinaryCrossentropy()));
    }

    [Fact]
    public void TrainGenerator_DoesNotChangeTheDiscriminator()
    {
        using var gan = SmallGan(9);
        CompileDefault(gan);
        var before = gan.Discriminator.TrainableVariables.Select(v => v.detach().clone()).ToArray();

        gan.TrainGeneratorStep(gan.SampleLatent(16)).Dispose();

        var after = gan.Discriminator.TrainableVariables;
        for (int i = 0; i < before.Length; i++) Assert.True(before[i].equal(after[i]).all().item<bool>());
    }

    private sealed class RecordingCallback(List<string> events) : Gan.Keras.Callbacks.Callback
    {
        public override void OnTrainBegin(Gan.Keras.Training.ITrainingContext context) => events.Add($"train_begin:{context.Epochs}:{context.StepsPerEpoch}");
        public override void OnEpochBegin(int epoch) => events.Add($"epoch_begin:{epoch}");
        public override void OnEpochEnd(int epoch, IReadOnlyDictionary<string, double> logs) => events.Add($"epoch_end:{epoch}");
        public override void OnBatchBegin(int batch) => events.Add($"batch_begin:{batch}");
        public override void OnBatchEnd(int batch, BatchLogs logs) => events.Add($"batch_end:{batch}");
        public override void OnTrainEnd(IReadOnlyDictionary<string, double> logs) => events.Add("train_end");
    }
}
