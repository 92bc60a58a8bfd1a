namespace Gan.Keras.Data.Download;

/// <summary>A downloaded file did not match any of its expected checksums; the download was deleted.</summary>
public sealed class ChecksumMismatchException : IOException
{
    /// <summary>Initializes a new instance of the <see cref="ChecksumMismatchException"/> class.</summary>
    public ChecksumMismatchException()
    {
        FileName = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ChecksumMismatchException"/> class with a message.</summary>
    public ChecksumMismatchException(string message) : base(message)
    {
        FileName = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ChecksumMismatchException"/> class with a message and a cause.</summary>
    public ChecksumMismatchException(string message, Exception innerException) : base(message, innerException)
    {
        FileName = string.Empty;
        Actual = string.Empty;
    }

    /// <summary>Initializes a new instance of the <see cref="ChecksumMismatchException"/> class for a file.</summary>
    /// <param name="fileName">The file's name.</param>
    /// <param name="url">Where it came from.</param>
    /// <param name="expected">The accepted checksums.</param>
    /// <param name="actual">The file's digest, with the first expected checksum's algorithm.</param>
    public ChecksumMismatchException(string fileName, Uri url, IReadOnlyList<FileChecksum> expected, string actual)
        : base($"Downloaded file '{fileName}' from {url} failed its checksum: expected {string.Join(" or ", expected ?? Array.Empty<FileChecksum>())}, got {actual}. " +
            "The download was deleted. The mirror may serve a corrupt or different file; try again or use another mirror.")
    {
        FileName = fileName;
        Url = url;
        Actual = actual;
    }

    /// <summary>Gets the name of the file that failed.</summary>
    public string FileName { get; }

    /// <summary>Gets the URL the file came from.</summary>
    public Uri? Url { get; }

    /// <summary>Gets the digest the file had.</summary>
    public string Actual { get; }
}
