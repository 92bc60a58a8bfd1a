namespace Gan.Keras.Data.Download;

/// <summary>A file a dataset downloads from its mirror, with the checksums that accept it (any one is enough).</summary>
/// <param name="Name">The file name, relative to the mirror's base URL and to the local folder.</param>
/// <param name="Checksums">Accepted checksums; at least one.</param>
public sealed record RemoteFile(string Name, IReadOnlyList<FileChecksum> Checksums);
