using System.ComponentModel;
using Spectre.Console.Cli;

namespace Gan.Keras.Benchmarks;

/// <summary>The options of the benchmarks that train on images and score them (<c>mnist</c>, <c>fullsize</c>).</summary>
internal class ImageBenchmarkSettings : BenchmarkSettings
{
    [CommandOption("--epochs <N>")]
    [Description("Training epochs. Default: 20 for mnist, 1 for fullsize.")]
    public int? Epochs { get; init; }

    [CommandOption("--batch <N>")]
    [Description("Batch size. Default: 64 (512 for fullsize --data fashion-wgangp).")]
    public int? Batch { get; init; }

    [CommandOption("--seed <N>")]
    [Description("Seed of the weights, the data order, the noise and the metrics' subsets.")]
    [DefaultValue(0L)]
    public long Seed { get; init; }

    [CommandOption("--samples <N>")]
    [Description("Samples scored with the classifier features (fullsize colour-dcgan: also the size of the reference set).")]
    [DefaultValue(5_000)]
    public int Samples { get; init; } = 5_000;

    [CommandOption("--classifier-epochs <N>")]
    [Description("Epochs of the project's MNIST classifier when it is trained (it is cached under --cache).")]
    [DefaultValue(5)]
    public int ClassifierEpochs { get; init; } = 5;

    [CommandOption("--cache <DIR>")]
    [Description("Where the trained classifier is cached. Default: gan-keras-benchmark-classifier in the temporary folder.")]
    public string? Cache { get; init; }

    [CommandOption("--samples-png <DIR>")]
    [Description("Also write a grid of 64 samples of each model (each epoch for fullsize) into this folder.")]
    public string? SamplesPng { get; init; }

    [CommandOption("--out <FILE>")]
    [Description("Also write the results table (Markdown) to this file.")]
    public string? Out { get; init; }

    public string CacheOrDefault => Cache ?? Path.Combine(Path.GetTempPath(), "gan-keras-benchmark-classifier");
}
