using Gan.Keras.Data.Download;

namespace Gan.Keras.Data;

/// <summary>How <see cref="DatasetCatalog.Load"/> finds, downloads and shapes a dataset. Every option has a default.</summary>
public sealed record DatasetOptions
{
    /// <summary>Gets the cache folder for downloaded datasets (one subfolder per dataset); see <see cref="DatasetCatalog.DefaultDataRoot"/> when null.</summary>
    public string? DataRoot { get; init; }

    /// <summary>Gets the split: <c>train</c> or <c>t10k</c> for IDX datasets, <c>train</c> or <c>test</c> for CIFAR-10. When null: train if present, else the test split.</summary>
    public string? Split { get; init; }

    /// <summary>Gets a value indicating whether images are flattened to vectors (for MLPs) rather than NCHW.</summary>
    public bool Flatten { get; init; }

    /// <summary>Gets the number of examples to keep (the first ones), or null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>Gets the number of examples built-in datasets (ring8, grid25, shapes) draw.</summary>
    public int Count { get; init; } = 10_000;

    /// <summary>Gets the seed of built-in datasets.</summary>
    public long Seed { get; init; }

    /// <summary>Gets a value indicating whether a missing downloadable dataset is downloaded (otherwise a clear error says how to get it).</summary>
    public bool Download { get; init; }

    /// <summary>Gets the base URL to download from instead of the dataset's default mirror.</summary>
    public Uri? Mirror { get; init; }

    /// <summary>Gets the receiver of download progress.</summary>
    public IProgress<DownloadProgress>? Progress { get; init; }

    /// <summary>Gets the HTTP client downloads use (a new one when null).</summary>
    public HttpClient? HttpClient { get; init; }

    /// <summary>
    /// Gets the channels images are given: 1 (grayscale) or 3 (RGB); null keeps the data's own (RGB for image folders and
    /// CIFAR-10, gray for the IDX datasets and shapes).
    /// </summary>
    public int? Channels { get; init; }

    /// <summary>
    /// Gets the square size images are resized to, or null to keep their size (image folders: their common size). Image
    /// folders are resized by SkiaSharp's high-quality filter; IDX and CIFAR-10 images bilinearly with antialiasing;
    /// shapes are drawn at that size.
    /// </summary>
    public int? ImageSize { get; init; }

    /// <summary>
    /// Gets a value indicating whether <see cref="DatasetCatalog.Open"/> reads image folders, CIFAR-10 and raw IDX splits
    /// from disk batch by batch (<see cref="StreamingDataset"/>) instead of loading them into memory. Other datasets are
    /// always in memory.
    /// </summary>
    public bool Stream { get; init; }
}
