using System.Globalization;
using System.Text.Json;

namespace Gan.Keras.Evaluation;

/// <summary>Every image metric of one evaluation, computed on the same features.</summary>
/// <param name="Extractor">The feature network's name.</param>
/// <param name="RealCount">Real images in the reference.</param>
/// <param name="GeneratedCount">Generated (or compared) images.</param>
/// <param name="Fid">The Fréchet distance of the features.</param>
/// <param name="Kid">The kernel distance of the features.</param>
/// <param name="ClassifierScore">The classifier score (Inception-Score formula) of the compared images.</param>
/// <param name="ClassifierScoreStd">Its standard deviation over splits.</param>
/// <param name="PrecisionRecall">Improved precision and recall.</param>
/// <param name="Coverage">Predicted-class histogram of the compared images and its KL from uniform.</param>
/// <param name="Seconds">Wall-clock time of the evaluation.</param>
public sealed record ImageMetricsReport(
    string Extractor,
    int RealCount,
    int GeneratedCount,
    double Fid,
    KernelDistance Kid,
    double ClassifierScore,
    double ClassifierScoreStd,
    PrecisionRecallResult PrecisionRecall,
    ClassCoverageResult Coverage,
    double Seconds)
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    /// <summary>Returns the report as one JSON object (snake_case names).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Returns a readable multi-line summary.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"""
        FID {Fid:F3}   KID {Kid.Mean:F5} ± {Kid.Std:F5}   classifier score {ClassifierScore:F3} ± {ClassifierScoreStd:F3}
        precision {PrecisionRecall.Precision:F3}   recall {PrecisionRecall.Recall:F3} (k = {PrecisionRecall.K})
        classes covered {Coverage.ClassesCovered}/{Coverage.Counts.Count}, KL from uniform {Coverage.KlFromUniform:F4}, histogram [{string.Join(", ", Coverage.Counts)}]
        ({GeneratedCount} samples vs {RealCount} real, features {Extractor}, {Seconds:F1} s)
        """);
}
