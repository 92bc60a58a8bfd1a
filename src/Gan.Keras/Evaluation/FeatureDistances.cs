using System.Diagnostics;
using Gan.Keras.Models;
using TorchSharp;

namespace Gan.Keras.Evaluation;

/// <summary>
/// Fréchet distance, KID and improved precision/recall on the features of any network (<see cref="IFeatureExtractor"/>,
/// e.g. <see cref="ResNet18Features"/>): features first, in batches with progress, then the distances.
/// </summary>
public static class FeatureDistances
{
    /// <summary>Evaluates a GAN's generator against real images, with <see cref="ImageEvaluationOptions.SampleBudget"/> samples from seeded latents (a conditional model cycles through its classes).</summary>
    /// <param name="gan">The GAN whose generator is evaluated.</param>
    /// <param name="realImages">Real images <c>[n, ...]</c>; the first min(n, budget) are the reference.</param>
    /// <param name="extractor">The feature network.</param>
    /// <param name="options">Budget and settings; defaults when null.</param>
    /// <param name="progress">Receives a report per batch of each stage.</param>
    public static FeatureDistanceReport Evaluate(GanModel gan, torch.Tensor realImages, IFeatureExtractor extractor, ImageEvaluationOptions? options = null, IProgress<EvaluationProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(gan);
        ArgumentNullException.ThrowIfNull(realImages);
        ArgumentNullException.ThrowIfNull(extractor);
        options ??= new ImageEvaluationOptions();
        var clock = Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        using var generator = new torch.Generator((ulong)options.Seed, torch.CPU);
        var (real, _) = ImageEvaluator.Activations(extractor, realImages, options.SampleBudget, options.BatchSize, "real features", progress);
        var (fake, _) = ImageEvaluator.Activations(extractor, (start, n) =>
        {
            using var latent = torch.randn(new long[] { n, gan.LatentDim }, generator: generator);
            if (gan.NumClasses == 0) return gan.GenerateFrom(latent);
            // A conditional generator draws every class in turn, so the samples are class-balanced.
            using var labels = torch.arange(start, start + n, dtype: torch.int64).remainder(gan.NumClasses);
            return gan.GenerateFrom(latent, labels);
        }, options.SampleBudget, options.BatchSize, "generated features", progress);
        return Compare(extractor.Name, real, fake, options, clock);
    }

    /// <summary>Compares two image sets (two halves of a real dataset, real against corrupted or noise images).</summary>
    public static FeatureDistanceReport Evaluate(torch.Tensor realImages, torch.Tensor otherImages, IFeatureExtractor extractor, ImageEvaluationOptions? options = null, IProgress<EvaluationProgress>? progress = null)
    {
        options ??= new ImageEvaluationOptions();
        var clock = Stopwatch.StartNew();
        using var scope = torch.NewDisposeScope();
        var (real, _) = ImageEvaluator.Activations(extractor, realImages, options.SampleBudget, options.BatchSize, "real features", progress);
        var (other, _) = ImageEvaluator.Activations(extractor, otherImages, options.SampleBudget, options.BatchSize, "compared features", progress);
        return Compare(extractor.Name, real, other, options, clock);
    }

    /// <summary>Computes the distances between two activation sets <c>[n, d]</c> (TF-GAN's <c>*_from_activations</c>).</summary>
    /// <param name="network">The name of the network that made the activations.</param>
    /// <param name="real">The reference activations.</param>
    /// <param name="other">The compared activations.</param>
    /// <param name="options">KID subsets, k and seed; defaults when null.</param>
    /// <param name="clock">A clock started before the features were computed, or null.</param>
    public static FeatureDistanceReport Compare(string network, torch.Tensor real, torch.Tensor other, ImageEvaluationOptions? options = null, Stopwatch? clock = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(network);
        ArgumentNullException.ThrowIfNull(real);
        ArgumentNullException.ThrowIfNull(other);
        options ??= new ImageEvaluationOptions();
        clock ??= Stopwatch.StartNew();
        double fid = FrechetDistance.FromActivations(real, other);
        var kid = KernelInceptionDistance.FromActivations(real, other, options.KidSubsets, options.KidSubsetSize, options.Seed);
        var precisionRecall = PrecisionRecall.FromActivations(real, other, options.NeighbourK);
        return new FeatureDistanceReport(network, (int)real.shape[0], (int)other.shape[0], fid, kid, precisionRecall, clock.Elapsed.TotalSeconds);
    }
}
