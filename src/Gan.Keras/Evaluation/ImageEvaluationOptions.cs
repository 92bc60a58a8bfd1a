namespace Gan.Keras.Evaluation;

/// <summary>The budget and settings of an image evaluation.</summary>
/// <param name="SampleBudget">Generated samples to evaluate; the real reference uses at most as many images.</param>
/// <param name="BatchSize">Images per generator / feature-network call.</param>
/// <param name="KidSubsets">Random subsets KID averages over.</param>
/// <param name="KidSubsetSize">Rows per KID subset (capped at the sample count).</param>
/// <param name="NeighbourK">The k of improved precision and recall.</param>
/// <param name="ScoreSplits">Splits of the classifier score.</param>
/// <param name="Seed">Seed of the latent vectors and of the KID subsets.</param>
public sealed record ImageEvaluationOptions(
    int SampleBudget = 5_000,
    int BatchSize = 500,
    int KidSubsets = 100,
    int KidSubsetSize = 1_000,
    int NeighbourK = 3,
    int ScoreSplits = 10,
    long Seed = 0);
