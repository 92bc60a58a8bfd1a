namespace Gan.Keras.Data.Download;

/// <summary>A dataset that can be downloaded: its default mirror and its files with their published checksums.</summary>
/// <param name="Name">The catalog name (<c>mnist</c>, <c>fashion-mnist</c>, <c>kmnist</c>, <c>cifar10</c>).</param>
/// <param name="DefaultMirror">The base URL the files are fetched from unless another mirror is given.</param>
/// <param name="Files">The files, with the checksums that accept them.</param>
/// <param name="License">Who publishes the data and under which terms, for the user's information.</param>
public sealed record RemoteDataset(string Name, Uri DefaultMirror, IReadOnlyList<RemoteFile> Files, string License)
{
    /// <summary>Gets the files a split needs: for IDX datasets <c>{split}-images…</c> and <c>{split}-labels…</c>; for archives, all files.</summary>
    public IReadOnlyList<RemoteFile> FilesFor(string split)
    {
        var matching = Files.Where(f => f.Name.StartsWith(split + "-", StringComparison.Ordinal)).ToArray();
        return matching.Length > 0 ? matching : Files;
    }
}
