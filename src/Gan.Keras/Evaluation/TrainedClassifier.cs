namespace Gan.Keras.Evaluation;

/// <summary>A feature classifier with its measured test accuracy and where its weights are cached.</summary>
public sealed class TrainedClassifier : IDisposable
{
    internal TrainedClassifier(MnistClassifier model, double testAccuracy, int trainCount, int testCount, string weightsPath, string cacheKey, bool loadedFromCache)
    {
        Model = model;
        TestAccuracy = testAccuracy;
        TrainCount = trainCount;
        TestCount = testCount;
        WeightsPath = weightsPath;
        CacheKey = cacheKey;
        LoadedFromCache = loadedFromCache;
    }

    /// <summary>Gets the classifier (in inference mode); it is the feature extractor of the image metrics.</summary>
    public MnistClassifier Model { get; }

    /// <summary>Gets the accuracy on the held-out images, in [0, 1].</summary>
    public double TestAccuracy { get; }

    /// <summary>Gets the number of training images.</summary>
    public int TrainCount { get; }

    /// <summary>Gets the number of held-out test images.</summary>
    public int TestCount { get; }

    /// <summary>Gets the cached weights file.</summary>
    public string WeightsPath { get; }

    /// <summary>Gets the content hash that names the cache entry (training data, architecture, options).</summary>
    public string CacheKey { get; }

    /// <summary>Gets a value indicating whether the weights came from the cache rather than from training now.</summary>
    public bool LoadedFromCache { get; }

    /// <summary>Releases the classifier.</summary>
    public void Dispose() => Model.Dispose();
}
