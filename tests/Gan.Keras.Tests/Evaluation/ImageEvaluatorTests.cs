using System.Text.Json;
using Gan.Keras;
using Gan.Keras.Layers;
using Gan.Keras.Evaluation;
using Gan.Keras.Models;
using Gan.Keras.Optimizers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class ImageEvaluatorTests
{
    private static readonly ImageEvaluationOptions Budget = new(SampleBudget: 2_500, KidSubsets: 10, KidSubsetSize: 1_000);

    [Trait("Category", "Slow")]
    [Fact]
    public void Evaluate_GivesRandomHalvesOfMnistNearZeroDistance_FarBelowNoise()
    {
        // Given two random disjoint halves of MNIST t10k (the file's first and last 5,000 come from different writers,
        // so the split is a seeded permutation) and uniform noise images
        var classifier = TrainedMnistClassifier.Get();
        var data = TrainedMnistClassifier.Mnist10k();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(1, torch.CPU);
        var order = torch.randperm(data.Count, generator: generator);
        var first = data.Features.index_select(0, order[..5_000]);
        var second = data.Features.index_select(0, order[5_000..]);
        var noise = torch.rand(new long[] { 2_500, 1, 28, 28 }, generator: generator) * 2 - 1;

        // When both are compared with the first half
        var real = ImageEvaluator.Evaluate(first, second, classifier.Model, Budget);
        var random = ImageEvaluator.Evaluate(first, noise, classifier.Model, Budget);

        // Then real-vs-real is near zero on every distance and noise is far away
        Assert.True(real.Fid < 0.01 * random.Fid, $"real-vs-real FID {real.Fid:F3}, noise FID {random.Fid:F3}");
        Assert.True(Math.Abs(real.Kid.Mean) < 0.01 * random.Kid.Mean, $"real-vs-real KID {real.Kid.Mean:F4}, noise KID {random.Kid.Mean:F4}");
        Assert.True(real.PrecisionRecall.Precision > 0.8 && real.PrecisionRecall.Recall > 0.8, $"real {real.PrecisionRecall}");
        Assert.True(random.PrecisionRecall.Recall < 0.01, $"noise {random.PrecisionRecall}");
        Assert.True(real.ClassifierScore > 8, $"real classifier score {real.ClassifierScore:F2}");
        Assert.Equal(10, real.Coverage.ClassesCovered);
        Assert.True(real.Coverage.KlFromUniform < 0.01, $"real class KL {real.Coverage.KlFromUniform:F4}");
        Assert.True(random.Coverage.KlFromUniform > 10 * real.Coverage.KlFromUniform);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Evaluate_PutsAQuicklyTrainedGeneratorFarBelowNoise_AndFarAboveRealData()
    {
        // Given an MLP GAN (LeakyReLU, Adam 1e-3) trained for 3 epochs on MNIST t10k (about 940 steps of 32)
        var classifier = TrainedMnistClassifier.Get();
        var data = TrainedMnistClassifier.Mnist10k();
        using var flat = new Gan.Keras.Data.InMemoryDataset(data.Features.reshape(data.Count, 784), data.Labels, "mnist-t10k");
        RandomSeed.Set(0);
        var generator = new Sequential(new Layer[] { new Dense(256), new LeakyReLU(0.2), new Dense(512), new LeakyReLU(0.2), new Dense(784, "tanh") }, inputShape: new long[] { 100 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(512), new LeakyReLU(0.2), new Dense(256), new LeakyReLU(0.2), new Dense(1) }, inputShape: new long[] { 784 }, name: "discriminator");
        using var gan = new GanModel(generator, discriminator, latentDim: 100, seed: 0);
        gan.Compile(new Adam(1e-3, 0.5, 0.999), new Adam(1e-3, 0.5, 0.999), new Gan.Keras.Losses.BinaryCrossentropy(fromLogits: true));
        gan.Fit(flat, epochs: 3, batchSize: 32);
        using var scope = torch.NewDisposeScope();
        using var random = new torch.Generator(3, torch.CPU);
        var noise = torch.rand(new long[] { 2_500, 784 }, generator: random) * 2 - 1;
        var order = torch.randperm(data.Count, generator: random);

        // When the generator, uniform noise and a disjoint random half of the real digits are measured against real digits
        var reference = flat.Features.index_select(0, order[..5_000]);
        var budget = Budget with { SampleBudget = 2_000, KidSubsets = 2 };
        var trained = ImageEvaluator.Evaluate(gan, reference, classifier.Model, budget);
        var noisy = ImageEvaluator.Evaluate(reference, noise, classifier.Model, budget);
        var real = ImageEvaluator.Evaluate(reference, flat.Features.index_select(0, order[5_000..]), classifier.Model, budget);

        // Then noise is far above the trained generator, which is far above real data
        Assert.True(noisy.Fid > 2 * trained.Fid, $"noise FID {noisy.Fid:F1}, trained generator FID {trained.Fid:F1}");
        Assert.True(trained.Fid > 10 * real.Fid, $"trained generator FID {trained.Fid:F1}, real-vs-real FID {real.Fid:F2}");
        Assert.True(trained.Coverage.ClassesCovered >= 8, $"trained generator covers {trained.Coverage.ClassesCovered} classes");
    }

    [Fact]
    public void Activations_GiveAFidThatGrowsWithTheAmountOfCorruption()
    {
        // Given features of 2,000 real digits, and of 2,000 others with Gaussian pixel noise of σ = 0.2, 0.6 and 1.5 (clipped)
        var classifier = TrainedMnistClassifier.Get();
        var data = TrainedMnistClassifier.Mnist10k();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator(2, torch.CPU);
        var others = data.Features[2_000..4_000];
        var (reference, _) = ImageEvaluator.Activations(classifier.Model, (start, n) => data.Features.narrow(0, start, n), 2_000, 500, "reference", null);

        // When the Fréchet distance of each corrupted set's features is computed
        var fids = new[] { 0.2, 0.6, 1.5 }.Select(sigma =>
        {
            var corrupted = (others + torch.randn(others.shape, generator: generator) * sigma).clamp(-1, 1);
            var (features, _) = ImageEvaluator.Activations(classifier.Model, (start, n) => corrupted.narrow(0, start, n), 2_000, 500, "corrupted", null);
            return FrechetDistance.FromActivations(reference, features);
        }).ToArray();

        // Then the distances order the corruption levels
        Assert.True(fids[0] < fids[1] && fids[1] < fids[2], $"FIDs {string.Join(", ", fids.Select(f => f.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)))}");
    }

    [Fact]
    public void Evaluate_GeneratesTheSampleBudgetInBatches_ReportsProgress_AndSerializes()
    {
        // Given an untrained MLP generator with MNIST-shaped output and a budget of 600 in batches of 250
        var classifier = TrainedMnistClassifier.Get();
        var data = TrainedMnistClassifier.Mnist10k();
        using var gan = TinyGan();
        var reports = new List<EvaluationProgress>();

        // When it is evaluated
        var report = ImageEvaluator.Evaluate(gan, data.Features, classifier.Model, new ImageEvaluationOptions(SampleBudget: 600, BatchSize: 250, KidSubsets: 5, KidSubsetSize: 300), new SyncProgress(reports.Add));

        // Then 600 samples were generated in 3 batches against 600 real images, progress reached the end of each
        // stage, and the JSON holds every metric
        Assert.Equal((600, 600), (report.GeneratedCount, report.RealCount));
        Assert.Equal(new long[] { 250, 500, 600 }, reports.Where(r => r.Stage == "generated samples").Select(r => r.Done));
        Assert.Contains(reports, r => r.Stage == "metrics" && r.Done == r.Total);
        using var json = JsonDocument.Parse(report.ToJson());
        Assert.Equal(report.Fid, json.RootElement.GetProperty("fid").GetDouble());
        Assert.True(json.RootElement.GetProperty("kid").TryGetProperty("mean", out _));
        Assert.True(json.RootElement.GetProperty("coverage").TryGetProperty("kl_from_uniform", out _));
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Evaluate_IsReproducible_ForTheSameSeed()
    {
        // Given the same untrained generator evaluated twice with seed 5
        var classifier = TrainedMnistClassifier.Get();
        var data = TrainedMnistClassifier.Mnist10k();
        using var gan = TinyGan();
        var options = new ImageEvaluationOptions(SampleBudget: 300, KidSubsets: 3, KidSubsetSize: 200, Seed: 5);

        // When / Then every metric is identical
        var a = ImageEvaluator.Evaluate(gan, data.Features, classifier.Model, options);
        var b = ImageEvaluator.Evaluate(gan, data.Features, classifier.Model, options);
        Assert.Equal((a with { Seconds = 0 }).ToJson(), (b with { Seconds = 0 }).ToJson());
    }

    private static GanModel TinyGan()
    {
        var generator = new Sequential(new Layer[] { new Dense(64, "relu"), new Dense(784, "tanh") }, inputShape: new long[] { 8 }, name: "generator");
        var discriminator = new Sequential(new Layer[] { new Dense(1) }, inputShape: new long[] { 784 }, name: "discriminator");
        var gan = new GanModel(generator, discriminator, latentDim: 8, seed: 3);
        gan.Compile(new Adam(), new Adam(), new Gan.Keras.Losses.BinaryCrossentropy(fromLogits: true));
        return gan;
    }
}
