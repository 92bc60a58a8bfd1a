namespace Gan.Keras.Evaluation;

/// <summary>How <see cref="MnistClassifierTrainer"/> trains the feature classifier; every value is part of the cache key.</summary>
/// <param name="TrainCount">Images to train on (drawn by a seeded permutation of the data).</param>
/// <param name="TestCount">Held-out images the test accuracy is measured on (disjoint from the training images).</param>
/// <param name="Epochs">Passes over the training images.</param>
/// <param name="BatchSize">Images per step.</param>
/// <param name="LearningRate">Adam's learning rate.</param>
/// <param name="Seed">Seed of the split, the weights and the shuffling.</param>
public sealed record ClassifierTrainingOptions(
    int TrainCount = 8_000,
    int TestCount = 2_000,
    int Epochs = 3,
    int BatchSize = 64,
    double LearningRate = 1e-3,
    long Seed = 0);
