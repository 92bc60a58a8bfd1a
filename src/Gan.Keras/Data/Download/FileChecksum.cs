using System.IO.Compression;
using System.Security.Cryptography;

namespace Gan.Keras.Data.Download;

/// <summary>The hash functions a <see cref="FileChecksum"/> can use.</summary>
public enum ChecksumAlgorithm
{
    /// <summary>MD5, what MNIST-family and CIFAR-10 publishers list (an integrity check here, not a security one).</summary>
    Md5,

    /// <summary>SHA-256.</summary>
    Sha256,
}

/// <summary>
/// An expected digest of a downloaded file, or of its gzip-decompressed content. Content digests do not depend on how
/// a mirror compressed the file, so one checksum accepts every mirror's re-compressed copy.
/// </summary>
/// <param name="Algorithm">The hash function.</param>
/// <param name="Hex">The expected digest, hexadecimal (case ignored).</param>
/// <param name="OfDecompressedContent">Whether the digest is of the gzip-decompressed bytes rather than of the file.</param>
public sealed record FileChecksum(ChecksumAlgorithm Algorithm, string Hex, bool OfDecompressedContent = false)
{
    /// <summary>Creates an MD5 checksum of the file as downloaded.</summary>
    public static FileChecksum Md5(string hex) => new(ChecksumAlgorithm.Md5, hex);

    /// <summary>Creates a SHA-256 checksum of the file as downloaded.</summary>
    public static FileChecksum Sha256(string hex) => new(ChecksumAlgorithm.Sha256, hex);

    /// <summary>Creates an MD5 checksum of the file's gzip-decompressed content.</summary>
    public static FileChecksum Md5OfContent(string hex) => new(ChecksumAlgorithm.Md5, hex, OfDecompressedContent: true);

    /// <summary>Computes this checksum's kind of digest of a file (lowercase hexadecimal).</summary>
    /// <exception cref="InvalidDataException">A content digest is asked for but the file is not valid gzip.</exception>
    public string Compute(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        using var file = File.OpenRead(path);
#pragma warning disable CA5351 // MD5 is what the dataset publishers list; it checks integrity, not authenticity.
        using HashAlgorithm hash = Algorithm == ChecksumAlgorithm.Md5 ? MD5.Create() : SHA256.Create();
#pragma warning restore CA5351
        if (!OfDecompressedContent) return Convert.ToHexStringLower(hash.ComputeHash(file));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        return Convert.ToHexStringLower(hash.ComputeHash(gzip));
    }

    /// <summary>Gets whether the file matches this checksum (a content checksum never matches a file that is not gzip).</summary>
    public bool Matches(string path)
    {
        try
        {
            return string.Equals(Compute(path), Hex, StringComparison.OrdinalIgnoreCase);
        }
        catch (InvalidDataException) when (OfDecompressedContent)
        {
            return false;
        }
    }

    /// <summary>Returns <c>md5:abc…</c> or <c>md5(content):abc…</c>.</summary>
    public override string ToString() => $"{(Algorithm == ChecksumAlgorithm.Md5 ? "md5" : "sha256")}{(OfDecompressedContent ? "(content)" : "")}:{Hex.ToLowerInvariant()}";
}
