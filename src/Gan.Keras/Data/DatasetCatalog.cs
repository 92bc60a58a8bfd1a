using Gan.Keras.Data.Download;
using Gan.Keras.Internal;

namespace Gan.Keras.Data;

/// <summary>
/// Picks a dataset by name, so programs and the CLI can say <c>--data mnist</c>: the built-in <c>ring8</c>,
/// <c>grid25</c> and <c>shapes</c> (no download); <c>mnist</c>, <c>fashion-mnist</c>, <c>kmnist</c> and <c>cifar10</c>
/// from the cache folder (downloaded when <see cref="DatasetOptions.Download"/> is set), or from a folder given as
/// <c>mnist:/path</c>; or any folder of images with one subfolder per class.
/// </summary>
public static class DatasetCatalog
{
    /// <summary>Gets the names of the built-in datasets.</summary>
    public static IReadOnlyList<string> BuiltInNames { get; } = new[] { "ring8", "grid25", "shapes" };

    /// <summary>Gets the names of the datasets read from files (and downloadable).</summary>
    public static IReadOnlyList<string> FileNames { get; } = RemoteDatasets.All.Select(d => d.Name).ToArray();

    /// <summary>
    /// Gets the default cache folder: <c>$GAN_KERAS_DATA</c> when set, else <c>$XDG_CACHE_HOME/gan-keras/datasets</c>,
    /// else <c>~/.cache/gan-keras/datasets</c>.
    /// </summary>
    public static string DefaultDataRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable("GAN_KERAS_DATA") is { Length: > 0 } root) return root;
            string cache = Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } xdg
                ? xdg
                : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
            return Path.Combine(cache, "gan-keras", "datasets");
        }
    }

    /// <summary>Loads a dataset by name (see the class remarks), or an image folder by path.</summary>
    /// <param name="nameOrFolder"><c>ring8</c>, <c>grid25</c>, <c>shapes</c>, <c>mnist</c>, <c>fashion-mnist</c>, <c>kmnist</c>, <c>cifar10</c> (each optionally <c>:folder</c>), or a folder path.</param>
    /// <param name="options">Where to look, whether to download, the split and shape; defaults when null.</param>
    /// <exception cref="ArgumentException">The name is neither a known dataset nor an existing folder.</exception>
    /// <exception cref="FileNotFoundException">The dataset's files are absent and downloading was not asked for; the message says how to get them.</exception>
    public static InMemoryDataset Load(string nameOrFolder, DatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrFolder);
        options ??= new DatasetOptions();
        var (name, folder) = Split(nameOrFolder);
        InMemoryDataset dataset = name switch
        {
            "ring8" => GaussianMixtures.Ring8(options.Count, options.Seed),
            "grid25" => GaussianMixtures.Grid25(options.Count, options.Seed),
            "shapes" => ProceduralShapes.Load(options.Count, options.Seed, options.Flatten, options.Channels ?? 1, options.ImageSize ?? ProceduralShapes.Size),
            "mnist" or "fashion-mnist" or "kmnist" => ImageConversion.Convert(LoadIdx(RemoteDatasets.Find(name)!, folder, options), options.Channels, options.ImageSize, options.Flatten),
            "cifar10" => ImageConversion.Convert(LoadCifar10(folder, options), options.Channels, options.ImageSize, options.Flatten),
            _ when Directory.Exists(nameOrFolder) => ImageFolder.Load(nameOrFolder, options.Channels ?? 3, options.ImageSize, options.Flatten, options.Limit),
            _ => throw new ArgumentException(
                $"Unknown dataset '{nameOrFolder}'. Use one of {string.Join(", ", BuiltInNames.Concat(FileNames))} (the file datasets optionally as name:folder), or the path of a folder with one subfolder of images per class.",
                nameof(nameOrFolder)),
        };
        if (options.Limit is { } limit && dataset.Count > limit && name is "ring8" or "grid25" or "shapes")
        {
            using (dataset) return dataset.Take(limit);
        }
        return dataset;
    }

    /// <summary>
    /// Opens a dataset by name as <see cref="Load"/> does, but with <see cref="DatasetOptions.Stream"/> an image folder, a
    /// CIFAR-10 split or an IDX split with a raw (not gzipped) images file is read from disk batch by batch (same batches
    /// for the same seed) rather than held in memory; anything else is loaded.
    /// </summary>
    /// <param name="nameOrFolder">As for <see cref="Load"/>.</param>
    /// <param name="options">As for <see cref="Load"/>; <see cref="DatasetOptions.ImageSize"/> and <see cref="DatasetOptions.Channels"/> other than CIFAR-10's own need it in memory.</param>
    public static Dataset Open(string nameOrFolder, DatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(nameOrFolder);
        options ??= new DatasetOptions();
        if (!options.Stream) return Load(nameOrFolder, options);
        var (name, folder) = Split(nameOrFolder);
        if (name == "cifar10" && options.ImageSize is null or 32 && options.Channels is null or 3)
        {
            // Loading first checks (or downloads) the files exactly as Load does, without keeping them.
            string directory = folder ?? Path.Combine(options.DataRoot ?? DefaultDataRoot, "cifar10");
            using (LoadCifar10(directory, options with { Limit = 1 })) { }
            return StreamedCifar10.Open(directory, options.Split ?? "train", options.Flatten, options.Limit);
        }
        if (name is "mnist" or "fashion-mnist" or "kmnist" && options.ImageSize is null or 28 && options.Channels is null or 1)
        {
            string directory = folder ?? Path.Combine(options.DataRoot ?? DefaultDataRoot, name);
            string split = options.Split ?? (Mnist.HasSplit(directory, "train") ? "train" : "t10k");
            if (StreamedIdx.HasRawImages(directory, split))
                return StreamedIdx.Open(directory, split, options.Flatten, options.Limit, name);
        }
        if (!BuiltInNames.Contains(name) && !FileNames.Contains(name) && Directory.Exists(nameOrFolder))
            return StreamedImageFolder.Open(nameOrFolder, options.Channels ?? 3, options.ImageSize, options.Flatten, options.Limit);
        return Load(nameOrFolder, options);
    }

    /// <summary>Downloads a file dataset's split into its cache folder (or <paramref name="folder"/>) unless present, and returns the folder.</summary>
    /// <exception cref="ArgumentException">The name is not a downloadable dataset.</exception>
    public static string Download(string name, string? split = null, string? folder = null, DatasetOptions? options = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        options ??= new DatasetOptions();
        var remote = RemoteDatasets.Find(name) ?? throw new ArgumentException($"'{name}' cannot be downloaded. Downloadable: {string.Join(", ", FileNames)}.", nameof(name));
        folder ??= Path.Combine(options.DataRoot ?? DefaultDataRoot, remote.Name);
        using var downloader = new DatasetDownloader(options.HttpClient);
        var mirror = options.Mirror ?? remote.DefaultMirror;
        if (remote.Name == "cifar10")
        {
            string archive = downloader.Download(remote.Files[0], mirror, folder, options.Progress);
            Cifar10Archive.Extract(archive, folder);
            File.Delete(archive);
            return Path.Combine(folder, Cifar10Archive.FolderName);
        }
        foreach (var file in remote.FilesFor(split ?? "train"))
            downloader.Download(file, mirror, folder, options.Progress);
        return folder;
    }

    private static (string Name, string? Folder) Split(string nameOrFolder)
    {
        int colon = nameOrFolder.IndexOf(':', StringComparison.Ordinal);
        string head = (colon > 0 ? nameOrFolder[..colon] : nameOrFolder).ToLowerInvariant();
        bool known = BuiltInNames.Contains(head) || FileNames.Contains(head);
        if (!known) return (nameOrFolder, null);
        return (head, colon > 0 ? nameOrFolder[(colon + 1)..] : null);
    }

    private static InMemoryDataset LoadIdx(RemoteDataset remote, string? folder, DatasetOptions options)
    {
        string directory = folder ?? Path.Combine(options.DataRoot ?? DefaultDataRoot, remote.Name);
        string? split = options.Split;
        if (split is null)
        {
            if (Mnist.HasSplit(directory, "train") || (options.Download && !Mnist.HasSplit(directory, "t10k"))) split = "train";
            else if (Mnist.HasSplit(directory, "t10k"))
            {
                split = "t10k";
                Warnings.Emit($"'{directory}' has no {remote.Name} training split; using the t10k test split ({remote.Name}:{directory}). Download the training split (DatasetOptions.Download).");
            }
            else split = "train";
        }
        if (split is not ("train" or "t10k"))
            throw new ArgumentException($"{remote.Name} has splits 'train' and 't10k', not '{split}'.", nameof(options));
        if (!Mnist.HasSplit(directory, split))
        {
            if (!options.Download)
                throw new FileNotFoundException(
                    $"{remote.Name} ({split}) is not in '{directory}': expected {split}-images-idx3-ubyte[.gz] and {split}-labels-idx1-ubyte[.gz]. " +
                    $"Download it (DatasetOptions.Download, from {options.Mirror ?? remote.DefaultMirror}), or point to a folder with {remote.Name}:/path.",
                    Path.Combine(directory, $"{split}-images-idx3-ubyte.gz"));
            Download(remote.Name, split, directory, options);
        }
        return Mnist.Load(directory, split, options.Flatten, options.Limit, remote.Name);
    }

    private static InMemoryDataset LoadCifar10(string? folder, DatasetOptions options)
    {
        string directory = folder ?? Path.Combine(options.DataRoot ?? DefaultDataRoot, "cifar10");
        string split = options.Split ?? "train";
        string first = Cifar10.SplitFiles(split)[0];
        bool present = File.Exists(Path.Combine(directory, first)) || File.Exists(Path.Combine(directory, Cifar10Archive.FolderName, first));
        if (!present)
        {
            if (!options.Download)
                throw new FileNotFoundException(
                    $"CIFAR-10 ({split}) is not in '{directory}': expected {Cifar10Archive.FolderName}/{first}. Download it (DatasetOptions.Download: 162 MB from {options.Mirror ?? RemoteDatasets.Cifar10.DefaultMirror}), or point to the folder with cifar10:/path.",
                    Path.Combine(directory, Cifar10Archive.FolderName, first));
            Download("cifar10", split, directory, options);
        }
        return Cifar10.Load(directory, split, options.Flatten, options.Limit);
    }
}
