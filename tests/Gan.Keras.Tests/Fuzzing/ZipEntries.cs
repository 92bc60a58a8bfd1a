using System.IO.Compression;

namespace Gan.Keras.Tests.Fuzzing;

/// <summary>
/// The entries of a zip archive (a saved model or GAN), read out and written back with one entry replaced, as a user
/// re-zipping an edited file makes it (valid CRCs): how the saved-file fuzz tests mutate one entry by its structure.
/// </summary>
public static class ZipEntries
{
    /// <summary>Reads every entry of <paramref name="zip"/> by name.</summary>
    public static Dictionary<string, byte[]> Read(byte[] zip)
    {
        using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
        return archive.Entries.ToDictionary(e => e.FullName, e =>
        {
            using var data = new MemoryStream();
            using (var stream = e.Open()) stream.CopyTo(data);
            return data.ToArray();
        });
    }

    /// <summary>Writes the archive again with the entry <paramref name="replaced"/> holding <paramref name="bytes"/>.</summary>
    public static byte[] Replace(Dictionary<string, byte[]> entries, string replaced, byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(entries);
        using var memory = new MemoryStream();
        using (var archive = new ZipArchive(memory, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, data) in entries)
            {
                using var stream = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                stream.Write(name == replaced ? bytes : data);
            }
        return memory.ToArray();
    }
}
