namespace Gan.Keras.Data.Download;

/// <summary>How far a download has got, reported through <see cref="IProgress{T}"/>.</summary>
/// <param name="File">The file being downloaded.</param>
/// <param name="BytesReceived">Bytes on disk so far, including those resumed from an earlier attempt.</param>
/// <param name="TotalBytes">The file's size, when the server says it.</param>
/// <param name="ResumedFrom">The byte offset this attempt resumed from (0 for a fresh download).</param>
/// <param name="Stage">What is happening: downloading, verifying, done.</param>
public readonly record struct DownloadProgress(string File, long BytesReceived, long? TotalBytes, long ResumedFrom, DownloadStage Stage)
{
    /// <summary>Gets the fraction done in [0, 1], or null when the size is unknown.</summary>
    public double? Fraction => TotalBytes is > 0 and { } total ? Math.Min(1.0, (double)BytesReceived / total) : null;
}

/// <summary>The stages of one file's download.</summary>
public enum DownloadStage
{
    /// <summary>Bytes are arriving.</summary>
    Downloading,

    /// <summary>The file is complete and its checksum is being computed.</summary>
    Verifying,

    /// <summary>The file is verified and in place (or was already there).</summary>
    Done,
}
