using Gan.Keras.Data;
using Gan.Keras.Evaluation;

namespace Gan.Keras.Tests.Evaluation;

/// <summary>
/// The feature classifier the image-metric tests share: trained once per test run (2 epochs on 8,000 MNIST t10k
/// digits, tested on 2,000 others) into a per-run cache folder; later tests load it from there.
/// </summary>
internal static class TrainedMnistClassifier
{
    public static readonly string CacheFolder = TestPaths.NewTempFolder();

    public static readonly ClassifierTrainingOptions Options = new(TrainCount: 8_000, TestCount: 2_000, Epochs: 2);

    private static readonly Lazy<InMemoryDataset> Data = new(() => Mnist.Load(TestPaths.Mnist, "t10k", flatten: false));
    private static readonly Lazy<TrainedClassifier> Classifier = new(() => MnistClassifierTrainer.TrainOrLoad(Data.Value, CacheFolder, Options));

    /// <summary>Gets MNIST t10k as [n, 1, 28, 28]; committed under tests/data/mnist.</summary>
    public static InMemoryDataset Mnist10k()
    {
        TestData.Mnist();
        return Data.Value;
    }

    /// <summary>Gets the shared classifier, trained on the MNIST t10k committed under tests/data/mnist.</summary>
    public static TrainedClassifier Get()
    {
        TestData.Mnist();
        return Classifier.Value;
    }
}
