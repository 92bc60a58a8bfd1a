using System.Diagnostics;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// Computes every image metric from one feature network: features of the real images and of the generated ones (in
/// batches, with progress), then the distances. The feature network is pluggable (<see cref="IFeatureExtractor"/>).
/// </summary>
public static class ImageEvaluator
{
    /// <summary>Evaluates a GAN's generator against real images: generates <see cref="ImageEvaluationOptions.SampleBudget"/> samples from seeded latents.</summary>
    /// <param name="gan">The GAN whose generator is evaluated (its output must fit the extractor).</param>
    /// <param name="realImages">Real images <c>[n, ...]</c>; the first min(n, budget) are the reference.</param>
    /// <param name="extractor">The feature network.</param>
    /// <param name="options">Budget and settings; defaults when null.</param>
    /// <param name="progress">Receives a report per batch of each stage.</param>
    public static ImageMetricsReport Evaluate(GanModel gan, torch.Tensor realImages, IFeatureExtractor extractor, ImageEvaluationOptions? options = null, IProgress<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(gan);
        options ??= new ImageEvaluationOptions();
        using var generator = new torch.Generator((ulong)options.Seed, torch.CPU);
        return Evaluate(n =>
        {
            using var latent = torch.randn(new long[] { n, gan.LatentDim }, generator: generator);
            return gan.GenerateFrom(latent);
        }, realImages, extractor, options, progress);
    }

    /// <summary>Evaluates images produced batch by batch by <paramref name="generate"/> (called with the batch size) against real images.</summary>
    public static ImageMetricsReport Evaluate(Func<int, torch.Tensor> generate, torch.Tensor realImages, IFeatureExtractor extractor, ImageEvaluationOptions? options = null, IProgress<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(generate);
        ArgumentNullException.ThrowIfNull(realImages);
        ArgumentNullException.ThrowIfNull(extractor);
        options ??= new ImageEvaluationOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.SampleBudget, Math.Max(options.ScoreSplits, options.NeighbourK + 1), nameof(options));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(options.BatchSize, nameof(options));
        var clock = Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        var (realFeatures, _) = Activations(extractor, realImages, options.SampleBudget, options.BatchSize, "real features", progress);
        var (fakeFeatures, fakeLogits) = Activations(extractor, (_, n) => generate(n), options.SampleBudget, options.BatchSize, "generated samples", progress);
        return Compare(extractor.Name, realFeatures, fakeFeatures, fakeLogits, options, progress, clock);
    }

    /// <summary>Compares two image sets (e.g. two halves of a real dataset, or real against noise) with every metric.</summary>
    public static ImageMetricsReport Evaluate(torch.Tensor realImages, torch.Tensor otherImages, IFeatureExtractor extractor, ImageEvaluationOptions? options = null, IProgress<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(realImages);
        ArgumentNullException.ThrowIfNull(otherImages);
        ArgumentNullException.ThrowIfNull(extractor);
        options ??= new ImageEvaluationOptions();
        var clock = Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        var (realFeatures, _) = Activations(extractor, realImages, options.SampleBudget, options.BatchSize, "real features", progress);
        var (otherFeatures, otherLogits) = Activations(extractor, otherImages, options.SampleBudget, options.BatchSize, "compared features", progress);
        return Compare(extractor.Name, realFeatures, otherFeatures, otherLogits, options, progress, clock);
    }

    /// <summary>Runs the extractor over the first min(n, <paramref name="budget"/>) of <paramref name="images"/> in batches; returns features and logits.</summary>
    public static (torch.Tensor Features, torch.Tensor Logits) Activations(IFeatureExtractor extractor, torch.Tensor images, int budget, int batchSize, string stage, IProgress<EvaluationProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(images);
        return Activations(extractor, (start, n) => images.narrow(0, start, n).alias(), (int)Math.Min(images.shape[0], budget), batchSize, stage, progress);
    }

    /// <summary>Runs the extractor over <paramref name="count"/> images fetched in batches; returns features and logits.</summary>
    public static (torch.Tensor Features, torch.Tensor Logits) Activations(IFeatureExtractor extractor, Func<int, int, torch.Tensor> batch, int count, int batchSize, string stage, IProgress<EvaluationProgress>? progress)
    {
        ArgumentNullException.ThrowIfNull(extractor);
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        var features = new List<torch.Tensor>();
        var logits = new List<torch.Tensor>();
        for (int start = 0; start < count; start += batchSize)
        {
            int n = Math.Min(batchSize, count - start);
            using (var inner = torch.NewDisposeScope())
            {
                var images = batch(start, n);
                if (images.shape[0] != n)
                    throw new InvalidOperationException($"Asked for {n} images for '{stage}', but got {images.shape[0]} (shape [{string.Join(", ", images.shape)}]).");
                var (f, l) = extractor.Extract(images);
                features.Add(f.to_type(torch.float64).MoveToOuterDisposeScope());
                logits.Add(l.to_type(torch.float64).MoveToOuterDisposeScope());
            }
            progress?.Report(new EvaluationProgress(stage, start + n, count));
        }
        var allFeatures = torch.cat(features, 0);
        var allLogits = torch.cat(logits, 0);
        foreach (var t in features.Concat(logits)) t.Dispose();
        return (allFeatures, allLogits);
    }

    private static ImageMetricsReport Compare(string extractor, torch.Tensor real, torch.Tensor other, torch.Tensor otherLogits, ImageEvaluationOptions options, IProgress<EvaluationProgress>? progress, Stopwatch clock)
    {
        const int stages = 4;
        progress?.Report(new EvaluationProgress("metrics", 0, stages));
        double fid = FrechetDistance.FromActivations(real, other);
        progress?.Report(new EvaluationProgress("metrics", 1, stages));
        var kid = KernelInceptionDistance.FromActivations(real, other, options.KidSubsets, options.KidSubsetSize, options.Seed);
        progress?.Report(new EvaluationProgress("metrics", 2, stages));
        var (score, scoreStd) = ClassifierScore.FromLogits(otherLogits, Math.Min(options.ScoreSplits, (int)otherLogits.shape[0]));
        var precisionRecall = PrecisionRecall.FromActivations(real, other, options.NeighbourK);
        progress?.Report(new EvaluationProgress("metrics", 3, stages));
        var coverage = ClassCoverage.FromLogits(otherLogits);
        progress?.Report(new EvaluationProgress("metrics", stages, stages));
        return new ImageMetricsReport(extractor, (int)real.shape[0], (int)other.shape[0], fid, kid, score, scoreStd, precisionRecall, coverage, clock.Elapsed.TotalSeconds);
    }
}
