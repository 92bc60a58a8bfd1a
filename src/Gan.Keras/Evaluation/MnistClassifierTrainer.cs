using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Gan.Keras.Data;
using Gan.Keras.Internal;
using Gan.Keras.Export;
using Gan.Keras.Losses;
using Gan.Keras.Optimizers;
using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// Trains the <see cref="MnistClassifier"/> on real labelled images once and caches its weights in a folder, keyed by a
/// content hash of the training data, the architecture and the training options: the same data and options load the
/// cached weights; anything different trains anew.
/// </summary>
public static class MnistClassifierTrainer
{
    /// <summary>Loads the cached classifier for this data and these options, or trains one (and caches it).</summary>
    /// <param name="data">Labelled 28×28 images in [−1, 1] (e.g. MNIST t10k); at least TrainCount + TestCount of them.</param>
    /// <param name="cacheFolder">Where weights are cached (created if needed).</param>
    /// <param name="options">Split sizes and training settings; defaults when null.</param>
    /// <param name="progress">Receives one report per training step and one for the test pass.</param>
    public static TrainedClassifier TrainOrLoad(InMemoryDataset data, string cacheFolder, ClassifierTrainingOptions? options = null, IProgress<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentException.ThrowIfNullOrEmpty(cacheFolder);
        options ??= new ClassifierTrainingOptions();
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TrainCount, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.TestCount, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.Epochs, nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options));
        if (data.Labels is null)
            throw new ArgumentException($"Dataset '{data.Name}' has no labels; the feature classifier trains on labelled images.", nameof(data));
        if (data.Count < options.TrainCount + options.TestCount)
            throw new ArgumentException($"Dataset '{data.Name}' has {data.Count} images, but the classifier needs {options.TrainCount} to train and {options.TestCount} to test. Lower TrainCount/TestCount or give more data.", nameof(data));

        string key = CacheKey(data, options);
        string path = Path.Combine(cacheFolder, $"mnist-classifier-{key[..16]}.safetensors");
        if (File.Exists(path))
        {
            try
            {
                return Load(path, key, options);
            }
            catch (InvalidDataException ex)
            {
                Warnings.Emit($"Cached classifier '{path}' is unusable ({ex.Message}); training a new one.");
            }
        }
        return Train(data, path, key, options, progress);
    }

    /// <summary>Computes the cache key: SHA-256 of the architecture, the options and the data's bytes (features and labels).</summary>
    public static string CacheKey(InMemoryDataset data, ClassifierTrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(MnistClassifier.Architecture + "\n" + string.Create(CultureInfo.InvariantCulture, $"{options}") + "\n"));
        using (var features = data.Features.to_type(torch.float32).contiguous())
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(features.data<float>().ToArray().AsSpan()));
        using (var labels = data.Labels!.to_type(torch.int64).contiguous())
            hash.AppendData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(labels.data<long>().ToArray().AsSpan()));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static TrainedClassifier Train(InMemoryDataset data, string path, string key, ClassifierTrainingOptions options, IProgress<EvaluationProgress>? progress)
    {
        var model = new MnistClassifier(options.Seed);
        try
        {
            using var generator = new torch.Generator((ulong)options.Seed, torch.CPU);
            torch.Tensor trainX, trainY, testX, testY;
            using (var scope = torch.NewDisposeScope())
            {
                // One seeded permutation splits the data into disjoint training and test images.
                var order = torch.randperm(data.Count, generator: generator);
                var trainIndex = order[..options.TrainCount];
                var testIndex = order[options.TrainCount..(options.TrainCount + options.TestCount)];
                trainX = data.Features.index_select(0, trainIndex).MoveToOuterDisposeScope();
                trainY = data.Labels!.index_select(0, trainIndex).MoveToOuterDisposeScope();
                testX = data.Features.index_select(0, testIndex).MoveToOuterDisposeScope();
                testY = data.Labels!.index_select(0, testIndex).MoveToOuterDisposeScope();
            }
            using (trainX)
            using (trainY)
            using (testX)
            using (testY)
            {
                // Keras's own loop: compile once, one train_on_batch per shuffled batch.
                model.Compile(new Adam(options.LearningRate), new SparseCategoricalCrossentropy(fromLogits: true));
                long steps = (options.TrainCount + options.BatchSize - 1) / options.BatchSize;
                for (int epoch = 0; epoch < options.Epochs; epoch++)
                {
                    using var order = torch.randperm(options.TrainCount, generator: generator);
                    for (long step = 0; step < steps; step++)
                    {
                        using var scope = torch.NewDisposeScope();
                        long start = step * options.BatchSize;
                        var index = order.narrow(0, start, Math.Min(options.BatchSize, options.TrainCount - start));
                        model.TrainOnBatch(trainX.index_select(0, index), trainY.index_select(0, index));
                        progress?.Report(new EvaluationProgress($"training classifier (epoch {epoch + 1}/{options.Epochs})", step + 1, steps));
                    }
                }
                double accuracy = Accuracy(model, testX, testY);
                progress?.Report(new EvaluationProgress("testing classifier", options.TestCount, options.TestCount));
                try
                {
                    SafeTensorsFile.Save(path, model.state_dict(), new Dictionary<string, string>
                    {
                        ["architecture"] = MnistClassifier.Architecture,
                        ["cache_key"] = key,
                        ["test_accuracy"] = accuracy.ToString("R", CultureInfo.InvariantCulture),
                        ["train_count"] = options.TrainCount.ToString(CultureInfo.InvariantCulture),
                        ["test_count"] = options.TestCount.ToString(CultureInfo.InvariantCulture),
                        ["data"] = data.Name,
                    });
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A cache that cannot be written costs a retraining next time, not this evaluation.
                    Warnings.Emit($"Could not cache the classifier's weights in '{path}': {ex.Message}");
                }
                return new TrainedClassifier(model, accuracy, options.TrainCount, options.TestCount, path, key, loadedFromCache: false);
            }
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    private static TrainedClassifier Load(string path, string key, ClassifierTrainingOptions options)
    {
        var (tensors, metadata) = SafeTensorsFile.Load(path);
        var model = new MnistClassifier();
        try
        {
            if (metadata.GetValueOrDefault("cache_key") != key)
                throw new InvalidDataException($"its cache_key is '{metadata.GetValueOrDefault("cache_key")}', expected '{key}'");
            var live = model.state_dict();
            var problems = live.Where(kv => !tensors.TryGetValue(kv.Key, out var saved) || !saved.shape.SequenceEqual(kv.Value.shape)).Select(kv => kv.Key).ToArray();
            if (problems.Length > 0)
                throw new InvalidDataException($"missing or misshapen tensors: {string.Join(", ", problems)}");
            using (torch.no_grad())
                foreach (var (name, tensor) in live) tensor.copy_(tensors[name]);
            double accuracy = double.Parse(metadata["test_accuracy"], CultureInfo.InvariantCulture);
            return new TrainedClassifier(model, accuracy, options.TrainCount, options.TestCount, path, key, loadedFromCache: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
        finally
        {
            foreach (var tensor in tensors.Values) tensor.Dispose();
        }
    }

    /// <summary>Computes the share of correctly classified images.</summary>
    public static double Accuracy(MnistClassifier model, torch.Tensor images, torch.Tensor labels)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(labels);
        long correct = 0;
        for (long start = 0; start < images.shape[0]; start += 500)
        {
            using var scope = torch.NewDisposeScope();
            long n = Math.Min(500, images.shape[0] - start);
            var (_, logits) = model.Extract(images.narrow(0, start, n));
            correct += logits.argmax(1).eq(labels.narrow(0, start, n)).sum().item<long>();
        }
        return (double)correct / images.shape[0];
    }
}
