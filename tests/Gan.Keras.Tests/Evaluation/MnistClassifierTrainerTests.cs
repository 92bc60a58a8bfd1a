using Gan.Keras.Data;
using Gan.Keras.Evaluation;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Evaluation;

public class MnistClassifierTrainerTests
{
    [Fact]
    public void TrainOrLoad_ReachesHighAccuracyOnHeldOutDigits_AndCachesWeights()
    {
        // Given / When the shared classifier is trained (or was, earlier in this run) on 8,000 t10k digits
        var classifier = TrainedMnistClassifier.Get();

        // Then it classifies the 2,000 held-out digits well, and its weights are cached under the content hash
        Assert.True(classifier.TestAccuracy > 0.94, $"test accuracy {classifier.TestAccuracy:P2}");
        Assert.Equal((8_000, 2_000), (classifier.TrainCount, classifier.TestCount));
        Assert.True(File.Exists(classifier.WeightsPath));
        Assert.Contains(classifier.CacheKey[..16], Path.GetFileName(classifier.WeightsPath), StringComparison.Ordinal);
    }

    [Fact]
    public void TrainOrLoad_LoadsCachedWeights_ForTheSameDataAndOptions()
    {
        // Given the shared classifier and its cache folder
        var trained = TrainedMnistClassifier.Get();
        var data = TrainedMnistClassifier.Mnist10k();

        // When it is asked for again with the same data and options
        using var cached = MnistClassifierTrainer.TrainOrLoad(data, TrainedMnistClassifier.CacheFolder, TrainedMnistClassifier.Options);

        // Then it comes from the cache, with the same accuracy and the same outputs
        Assert.True(cached.LoadedFromCache);
        Assert.Equal(trained.TestAccuracy, cached.TestAccuracy);
        using var scope = torch.NewDisposeScope();
        var images = data.Features[..64];
        Assert.True(trained.Model.Extract(images).Logits.allclose(cached.Model.Extract(images).Logits, rtol: 0, atol: 1e-6));
    }

    [Fact]
    public void CacheKey_ChangesWithData_AndWithOptions()
    {
        // Given a dataset, a copy with one pixel changed, and two option sets
        using var data = ProceduralShapes.Load(50, seed: 1);
        using var changed = ProceduralShapes.Load(50, seed: 1);
        using (torch.no_grad()) changed.Features[0, 0, 0, 0] = torch.tensor(0.5f);
        var options = new ClassifierTrainingOptions(TrainCount: 30, TestCount: 20);

        // When keys are computed
        string key = MnistClassifierTrainer.CacheKey(data, options);

        // Then the same inputs give the same key; any change gives another
        Assert.Equal(key, MnistClassifierTrainer.CacheKey(data, options));
        Assert.NotEqual(key, MnistClassifierTrainer.CacheKey(changed, options));
        Assert.NotEqual(key, MnistClassifierTrainer.CacheKey(data, options with { Seed = 1 }));
        Assert.NotEqual(key, MnistClassifierTrainer.CacheKey(data, options with { Epochs = 4 }));
    }

    [Fact]
    public void TrainOrLoad_RaisesClearError_WhenDataIsTooSmallForTheSplit()
    {
        // Given 50 images and a split of 8,000 + 2,000
        using var data = ProceduralShapes.Load(50);

        // When the classifier is trained
        var error = Assert.Throws<ArgumentException>(() => MnistClassifierTrainer.TrainOrLoad(data, TestPaths.NewTempFolder()));

        // Then the message gives the sizes and the fix
        Assert.Contains("50 images", error.Message, StringComparison.Ordinal);
        Assert.Contains("8000", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TrainOrLoad_TrainsOnAnyLabelledDigitLikeData_AndReportsProgress()
    {
        // Given 400 procedural shapes (ten classes, 28×28) and a progress sink
        using var data = ProceduralShapes.Load(400, seed: 2);
        var reports = new List<EvaluationProgress>();
        var progress = new SyncProgress(reports.Add);

        // When a classifier is trained for 3 epochs on 300 and tested on 100
        using var classifier = MnistClassifierTrainer.TrainOrLoad(data, TestPaths.NewTempFolder(), new ClassifierTrainingOptions(TrainCount: 300, TestCount: 100, Epochs: 3, BatchSize: 32), progress);

        // Then it learned well beyond chance (10 %), and progress covered every step of every epoch
        Assert.False(classifier.LoadedFromCache);
        Assert.True(classifier.TestAccuracy > 0.5, $"accuracy {classifier.TestAccuracy:P1}");
        Assert.Equal(3 * 10, reports.Count(r => r.Stage.StartsWith("training classifier", StringComparison.Ordinal)));
        Assert.Contains(reports, r => r.Stage == "training classifier (epoch 3/3)" && r.Done == r.Total);
    }

    [Fact]
    public void TrainOrLoad_RetrainsWithWarning_WhenTheCachedFileIsCorrupt()
    {
        // Given a cache entry for these data and options whose file was truncated
        using var data = ProceduralShapes.Load(120, seed: 4);
        var options = new ClassifierTrainingOptions(TrainCount: 100, TestCount: 20, Epochs: 1);
        string cache = TestPaths.NewTempFolder();
        string path;
        using (var first = MnistClassifierTrainer.TrainOrLoad(data, cache, options)) path = first.WeightsPath;
        File.WriteAllBytes(path, File.ReadAllBytes(path).AsSpan(0, 100).ToArray());

        // When the classifier is asked for again
        bool loaded = true;
        var warnings = WarningCapture.During(() =>
        {
            using var second = MnistClassifierTrainer.TrainOrLoad(data, cache, options);
            loaded = second.LoadedFromCache;
        });

        // Then it is retrained (not loaded), a warning names the file, and the cache entry is whole again
        Assert.False(loaded);
        Assert.Contains(warnings, w => w.Contains(path, StringComparison.Ordinal));
        using var third = MnistClassifierTrainer.TrainOrLoad(data, cache, options);
        Assert.True(third.LoadedFromCache);
    }

    [Fact]
    public void Extract_RaisesClearError_ForImagesOfTheWrongShape()
    {
        // Given an untrained classifier
        using var model = new MnistClassifier(seed: 0);

        // When it is given 32×32 RGB images
        var error = Assert.Throws<ArgumentException>(() => model.Extract(torch.zeros(2, 3, 32, 32)));

        // Then the message gives the accepted and received shapes
        Assert.Contains("[n, 1, 28, 28]", error.Message, StringComparison.Ordinal);
        Assert.Contains("[2, 3, 32, 32]", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; posts to the thread pool, so reports could arrive late).</summary>
internal sealed class SyncProgress(Action<EvaluationProgress> report) : IProgress<EvaluationProgress>
{
    public void Report(EvaluationProgress value) => report(value);
}
