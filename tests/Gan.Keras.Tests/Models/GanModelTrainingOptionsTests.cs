using Gan.Keras.Callbacks;
using Gan.Keras.Data;
using Gan.Keras.Layers;
using Gan.Keras.Losses;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Models;

/// <summary>GanModel's training options: critic schedule, weight clipping, penalties, generator EMA.</summary>
public class GanModelTrainingOptionsTests
{
    private const int LatentDim = 3;

    private static GanModel CreateGan(GanLoss loss, Func<Model, Model, GanModel>? create = null, string generatorActivation = "linear")
    {
        var generator = new Sequential(new Layer[] { new Dense(8, "relu"), new Dense(4, generatorActivation) }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(8), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 4 }, name: "discriminator");
        var gan = create?.Invoke(generator, discriminator) ?? new GanModel(generator, discriminator, LatentDim, seed: 1);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), loss);
        return gan;
    }

    private static InMemoryDataset Data(int count)
    {
        using var scope = torch.NewDisposeScope();
        return new InMemoryDataset(torch.arange(count * 4, dtype: torch.float32).reshape(count, 4) / (count * 4.0));
    }

    [Fact]
    public void Fit_WithDiscriminatorSteps_RunsThatManyCriticUpdatesPerGeneratorUpdate_EachOnItsOwnSlice()
    {
        // Given 96 examples, batch size 8 and 3 critic steps per generator step, without shuffling
        using var data = Data(96);
        using var gan = CreateGanModel();
        gan.DiscriminatorSteps = 3;

        // When one epoch runs
        var history = gan.Fit(data, epochs: 1, batchSize: 8, shuffle: false);

        // Then 96 / (3·8) = 4 steps ran 12 critic and 4 generator updates, each critic update on the next 8 examples
        Assert.Equal(12, gan.DiscriminatorOptimizer.Iterations);
        Assert.Equal(4, gan.GeneratorOptimizer.Iterations);
        var expectedSlices = Enumerable.Range(0, 12).Select(i => data.Features.narrow(0, i * 8, 8).sum().item<float>()).ToArray();
        Assert.Equal(expectedSlices, gan.RealSums);
        Assert.Single(history.Epochs);
    }

    [Fact]
    public void Fit_WithCriticReusesRealBatch_TrainsEveryCriticUpdateOnTheSameBatch_AsKerasIoWganGp()
    {
        // Given 96 examples, batch size 8 and 3 critic steps that reuse their real batch (keras-io's wgan_gp), without shuffling
        using var data = Data(96);
        using var gan = CreateGanModel();
        gan.DiscriminatorSteps = 3;
        gan.CriticReusesRealBatch = true;

        // When one epoch runs
        gan.Fit(data, epochs: 1, batchSize: 8, shuffle: false);

        // Then 96 / 8 = 12 steps ran 36 critic and 12 generator updates, each step's three critic updates on the same 8 examples
        Assert.Equal(36, gan.DiscriminatorOptimizer.Iterations);
        Assert.Equal(12, gan.GeneratorOptimizer.Iterations);
        var expected = Enumerable.Range(0, 12).SelectMany(i => Enumerable.Repeat(data.Features.narrow(0, i * 8, 8).sum().item<float>(), 3)).ToArray();
        Assert.Equal(expected, gan.RealSums);
    }

    [Fact]
    public void TrainStep_WithCriticReusesRealBatch_TakesAnyBatchSize()
    {
        // Given 5 critic steps that reuse their batch
        using var gan = CreateGan(new WassersteinGpLoss());
        gan.DiscriminatorSteps = 5;
        gan.CriticReusesRealBatch = true;
        using var scope = torch.NewDisposeScope();

        // When it gets a batch of 12 (not a multiple of 5)
        var logs = gan.TrainStep(new Batch(torch.randn(12, 4), null));

        // Then the step runs
        Assert.True(float.IsFinite(logs["d_loss"].item<float>()));
    }

    private static RecordingGanModel CreateGanModel()
    {
        var generator = new Sequential(new Layer[] { new Dense(8, "relu"), new Dense(4) }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(8), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 4 }, name: "discriminator");
        var gan = new RecordingGanModel(generator, discriminator);
        gan.Compile(new Adam(1e-3), new Adam(1e-3), new WassersteinGpLoss());
        return gan;
    }

    [Fact]
    public void TrainStep_RaisesClearError_WhenBatchIsNotAMultipleOfDiscriminatorSteps()
    {
        // Given a model with 5 critic steps
        using var gan = CreateGan(new WassersteinGpLoss());
        gan.DiscriminatorSteps = 5;
        using var scope = torch.NewDisposeScope();

        // When it gets a batch of 12
        var error = Assert.Throws<ArgumentException>(() => gan.TrainStep(new Batch(torch.zeros(12, 4), null)));

        // Then
        Assert.Contains("TrainStep received 12 examples, but DiscriminatorSteps = 5 needs a positive multiple of 5", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void WassersteinLoss_ClipsEveryCriticWeightAfterEachCriticUpdate()
    {
        // Given a WGAN (clip 0.01) whose Glorot-initialized critic has weights far above 0.01
        using var gan = CreateGan(new WassersteinLoss());
        Assert.True(gan.Discriminator.TrainableVariables.Max(v => v.abs().max().item<float>()) > 0.1);
        using var data = Data(16);

        // When one step runs
        gan.Fit(data, epochs: 1, batchSize: 16);

        // Then every critic weight is within ±0.01, with some at the bound
        float max = gan.Discriminator.TrainableVariables.Max(v => v.abs().max().item<float>());
        Assert.Equal(0.01f, max, 6);
    }

    [Fact]
    public void DiscriminatorWeightClip_OverridesTheLossBound()
    {
        // Given a non-saturating GAN (no clipping of its own) with a model-level bound of 0.05
        using var gan = CreateGan(new NonSaturatingLoss());
        gan.DiscriminatorWeightClip = 0.05;
        using var data = Data(16);

        // When
        gan.Fit(data, epochs: 1, batchSize: 16);

        // Then
        Assert.Equal(0.05f, gan.Discriminator.TrainableVariables.Max(v => v.abs().max().item<float>()), 6);
        Assert.Throws<ArgumentOutOfRangeException>(() => gan.DiscriminatorWeightClip = -1);
    }

    [Fact]
    public void WganGp_LogsThePenalty_AndKeepsTheLiveTensorCountFlat()
    {
        // Given a WGAN-GP with 2 critic steps (double backpropagation every critic update)
        using var gan = CreateGan(new WassersteinGpLoss());
        gan.DiscriminatorSteps = 2;
        using var data = Data(64);
        gan.Fit(data, epochs: 1, batchSize: 8); // warm-up: optimizer state is created on the first updates
        GC.Collect();
        GC.WaitForPendingFinalizers();
        long before = torch.Tensor.TotalCount;

        // When 3 more epochs (12 steps, 24 penalties) run
        var history = gan.Fit(data, epochs: 3, batchSize: 8);
        GC.Collect();
        GC.WaitForPendingFinalizers();

        // Then the penalty is logged and no tensor is left behind
        Assert.Equal(3, history["d_penalty"].Count);
        Assert.All(history["d_penalty"], p => Assert.True(p > 0));
        Assert.Equal(before, torch.Tensor.TotalCount);
    }

    [Fact]
    public void GeneratorEma_AveragesAfterEachGeneratorUpdate_AndGenerateUsesTheAverage()
    {
        // Given a one-layer generator and an EMA with decay 0.9 started from the initial weights w0
        var generator = new Sequential(new Layer[] { new Dense(4, "tanh") }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 4 }, name: "discriminator");
        using var gan = new GanModel(generator, discriminator, LatentDim, seed: 2) { GeneratorEmaDecay = 0.9 };
        gan.Compile(new Adam(1e-2), new Adam(1e-2), new NonSaturatingLoss());
        var kernel = ((Dense)generator.Layers[0]).Kernel;
        var w0 = kernel.detach().clone();
        using var data = Data(8);

        // When one step updates the generator to w1, then samples are generated
        gan.Fit(data, epochs: 1, batchSize: 8);
        var w1 = kernel.detach().clone();
        using var scope = torch.NewDisposeScope();
        var z = torch.randn(5, LatentDim);
        var samples = gan.GenerateFrom(z);

        // Then ema = 0.9·w0 + 0.1·w1, Generate runs with it, and the trained weights are back in place afterwards
        var ema = gan.GeneratorEmaWeights["dense_0.kernel"];
        Assert.True(ema.allclose(0.9 * w0 + 0.1 * w1, rtol: 1e-5, atol: 1e-7));
        Assert.False(w0.allclose(w1));
        var expected = torch.tanh(z.matmul(ema) + gan.GeneratorEmaWeights["dense_0.bias"]);
        Assert.True(samples.allclose(expected, rtol: 1e-5, atol: 1e-6));
        Assert.True(kernel.detach().allclose(w1, rtol: 0, atol: 0));
    }

    [Fact]
    public void GeneratorEma_IsSavedUnderGeneratorEmaPrefix_AndLoadedBack()
    {
        // Given a trained GAN with an EMA
        string folder = TestPaths.NewTempFolder();
        string path = Path.Combine(folder, "weights.safetensors");
        using var gan = CreateGan(new NonSaturatingLoss());
        gan.GeneratorEmaDecay = 0.5;
        using var data = Data(16);
        gan.Fit(data, epochs: 2, batchSize: 8);

        // When its weights are saved and loaded into a fresh model with an EMA, and into one without
        Assert.Contains("generator_ema.dense_0.kernel", gan.WeightTensors().Keys);
        gan.SaveWeights(path);
        using var withEma = CreateGan(new NonSaturatingLoss());
        withEma.GeneratorEmaDecay = 0.5;
        withEma.LoadWeights(path);
        using var withoutEma = CreateGan(new NonSaturatingLoss());
        withoutEma.LoadWeights(path);

        // Then the average comes back exactly, and a model without an average ignores it
        foreach (var (name, tensor) in gan.GeneratorEmaWeights)
            Assert.True(withEma.GeneratorEmaWeights[name].allclose(tensor, rtol: 0, atol: 0), name);
        Assert.Empty(withoutEma.GeneratorEmaWeights);
        Assert.DoesNotContain(withoutEma.WeightTensors().Keys, k => k.StartsWith("generator_ema.", StringComparison.Ordinal));
        Directory.Delete(folder, recursive: true);
    }

    [Fact]
    public void GeneratorEmaDecay_RejectsValuesOutsideZeroToOne()
    {
        // Given / When / Then
        using var gan = CreateGan(new NonSaturatingLoss());
        Assert.Throws<ArgumentOutOfRangeException>(() => gan.GeneratorEmaDecay = 1.0);
        Assert.Throws<ArgumentOutOfRangeException>(() => gan.DiscriminatorSteps = 0);
    }

    [Fact]
    public void R1Penalty_IsAddedToTheDiscriminatorLoss()
    {
        // Given two identical GANs, one with an R1 penalty
        using var plain = CreateGan(new NonSaturatingLoss());
        using var penalised = CreateGan(new NonSaturatingLoss { Penalty = new R1Penalty(gamma: 10) });
        penalised.AssignWeights(plain.WeightTensors(), "the plain GAN");
        using var scope = torch.NewDisposeScope();
        var real = torch.randn(8, 4);
        var latent = torch.randn(8, LatentDim);

        // When each makes one discriminator update on the same data
        var a = plain.TrainDiscriminatorStep(real, latent);
        var b = penalised.TrainDiscriminatorStep(real, latent);

        // Then the penalised loss is the plain one plus the reported penalty
        Assert.Null(a.Penalty);
        Assert.NotNull(b.Penalty);
        Assert.True(b.Penalty.item<float>() > 0);
        Assert.Equal(a.Loss.item<float>() + b.Penalty.item<float>(), b.Loss.item<float>(), 5);
    }

    /// <summary>Records the real batches its critic steps receive.</summary>
    private sealed class RecordingGanModel(Model generator, Model discriminator) : GanModel(generator, discriminator, GanModelTrainingOptionsTests.LatentDim, seed: 1)
    {
        public List<float> RealSums { get; } = new();

        public override DiscriminatorStepResult TrainDiscriminatorStep(torch.Tensor real, LatentBatch generatorInputs, torch.Tensor? realLabels = null)
        {
            RealSums.Add(real.sum().item<float>());
            return base.TrainDiscriminatorStep(real, generatorInputs, realLabels);
        }
    }
}
