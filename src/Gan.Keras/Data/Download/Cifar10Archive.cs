using System.IO.Compression;
using Gan.Keras.Export;
using Gan.Keras.Internal;

namespace Gan.Keras.Data.Download;

/// <summary>Extracts <c>cifar-10-binary.tar.gz</c>: only the known members of <c>cifar-10-batches-bin/</c>, each written atomically.</summary>
public static class Cifar10Archive
{
    /// <summary>Gets the folder name inside the archive.</summary>
    public const string FolderName = "cifar-10-batches-bin";

    private static readonly string[] Members =
        Cifar10.SplitFiles("train").Concat(Cifar10.SplitFiles("test")).Append("batches.meta.txt").ToArray();

    /// <summary>Extracts the archive into <c><paramref name="directory"/>/cifar-10-batches-bin</c>.</summary>
    /// <returns>The extracted folder.</returns>
    /// <exception cref="InvalidDataException">The archive is not a gzip tar (whatever its bytes: corrupt gzip, tar headers with bad checksums, sizes or pax records, truncated members) or lacks a data file; the message names the archive. Memory stays within a few buffers whatever the headers declare.</exception>
    public static string Extract(string archive, string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(archive);
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string folder = Path.Combine(directory, FolderName);
        using (var file = File.OpenRead(archive))
            ExtractMembers(file, archive, (member, data) => AtomicFile.Write(Path.Combine(folder, member), data.CopyTo));
        return folder;
    }

    /// <summary>Reads a <c>.tar.gz</c> from <paramref name="archive"/> and hands each known member to <paramref name="write"/>; <paramref name="source"/> names the archive in errors.</summary>
    /// <exception cref="InvalidDataException">The archive is not a gzip tar or lacks a data file; the message names <paramref name="source"/>.</exception>
    internal static void ExtractMembers(Stream archive, string source, Action<string, Stream> write)
    {
        var found = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var gzip = new GZipStream(archive, CompressionMode.Decompress, leaveOpen: true);
            // TarMembers, not TarReader: TarReader allocates a pax header's declared size (up to 2 GiB) before reading it.
            TarMembers.Read(gzip, source, (entry, data) =>
            {
                // Only regular files with the expected names: no path from the archive reaches the file system.
                string name = entry.Replace('\\', '/');
                string member = Path.GetFileName(name);
                if (name != $"{FolderName}/{member}" || !Members.Contains(member)) return;
                write(member, data);
                found.Add(member);
            });
        }
        catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException)
        {
            throw new InvalidDataException($"CIFAR-10 archive '{source}' is not a valid .tar.gz: {ex.Message}", ex);
        }
        var missing = Members.Where(m => m.EndsWith(".bin", StringComparison.Ordinal) && !found.Contains(m)).ToArray();
        if (missing.Length > 0)
            throw new InvalidDataException($"CIFAR-10 archive '{source}' lacks {string.Join(", ", missing)} under {FolderName}/. Is it the binary version (cifar-10-binary.tar.gz)?");
    }
}
