using System.Globalization;

namespace Gan.Keras.Evaluation;

/// <summary>The distances between two image sets measured on one pretrained network's features (no class head needed).</summary>
/// <param name="Network">The feature network's name (<c>resnet18</c>); metric names end with it.</param>
/// <param name="RealCount">Real images in the reference.</param>
/// <param name="OtherCount">Generated (or compared) images.</param>
/// <param name="Fid">The Fréchet distance of the features.</param>
/// <param name="Kid">The kernel distance of the features.</param>
/// <param name="PrecisionRecall">Improved precision and recall.</param>
/// <param name="Seconds">Wall-clock time, features included.</param>
public sealed record FeatureDistanceReport(string Network, int RealCount, int OtherCount, double Fid, KernelDistance Kid, PrecisionRecallResult PrecisionRecall, double Seconds)
{
    /// <summary>Gets the metrics by name, each name saying the network: <c>fid_resnet18</c>, <c>kid_resnet18</c>, <c>kid_resnet18_std</c>, <c>precision_resnet18</c>, <c>recall_resnet18</c>.</summary>
    public IReadOnlyDictionary<string, double> Metrics => new Dictionary<string, double>
    {
        ["fid_" + Network] = Fid,
        ["kid_" + Network] = Kid.Mean,
        ["kid_" + Network + "_std"] = Kid.Std,
        ["precision_" + Network] = PrecisionRecall.Precision,
        ["recall_" + Network] = PrecisionRecall.Recall,
    };

    /// <summary>Returns a one-line summary.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"{Network}: FID {Fid:F3}   KID {Kid.Mean:F5} ± {Kid.Std:F5}   precision {PrecisionRecall.Precision:F3}   recall {PrecisionRecall.Recall:F3} (k = {PrecisionRecall.K}; {OtherCount} vs {RealCount} real, {Seconds:F1} s)");
}
