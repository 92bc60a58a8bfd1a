using System.Formats.Tar;
using System.Text;
using Gan.Keras.Data.Download;
using Gan.Keras.Tests.Fuzzing;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Data.Download;

public class Cifar10ArchiveFuzzTests(ITestOutputHelper output)
{
    private static readonly string[] MemberNames =
        ["data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin", "test_batch.bin", "batches.meta.txt"];

    [Fact]
    public void Extract_RaisesInvalidDataNamingTheArchive_ForEveryMutationOfATarGz()
    {
        // Given 10,000 mutated cifar-10-binary.tar.gz files, from ustar, pax and GNU tars: the tar mutated then
        // compressed (sizes and checksums set to extremes; half with every header checksum made valid again), or the
        // compressed bytes mutated
        const string name = "cifar-10-binary.tar.gz";
        var tars = new[] { TarEntryFormat.Ustar, TarEntryFormat.Pax, TarEntryFormat.Gnu }.Select(Tar).ToArray();
        var target = new FuzzTarget("CIFAR-10 archive (tar.gz)", name, FuzzFile.Gzip(tars[0].Bytes), Generate, bytes =>
            Cifar10Archive.ExtractMembers(new MemoryStream(bytes, writable: false), name, (_, data) => data.CopyTo(Stream.Null)))
        {
            // Deflate expands at most 1,032:1: a member's data may legitimately be ~1,000 times the archive's size.
            AllocationBound = length => 1100 * length + (1 << 20),
        };

        // When each is extracted
        var report = FuzzHarness.Run(target);

        // Then every one was extracted or refused with InvalidDataException naming the archive
        output.WriteLine(report.ToString());
        // Not exact: .NET names a PAX extended header after the process (PaxHeaders.<pid>, as GNU tar), so the PAX
        // mutations differ by a few bytes from run to run (7,323 to 7,337 refusals measured). A reader that skipped a
        // corrupt member instead of refusing it would fall far outside this band.
        Assert.InRange(report.Rejected, 7_300, 7_370);
        Assert.Equal(10_000, report.Rejected + report.Accepted);

        Mutation Generate(Mutator m)
        {
            var (tar, headers, format) = tars[m.Random.Next(tars.Length)];
            if (m.Random.Next(4) == 0)
            {
                var gz = FuzzFile.Gzip(tar);
                var compressed = m.Mutate(gz, FuzzFile.GzipTrailer(gz.Length));
                return compressed with { Description = $"{format} tar.gz: {compressed.Description}" };
            }
            var fields = headers.SelectMany(h => new IntegerField[]
            {
                new(h + 124, 12, FieldEncoding.Octal, $"size of header at {h}"),
                new(h + 148, 8, FieldEncoding.Octal, $"checksum of header at {h}"),
            }).ToArray();
            var mutation = m.Mutate(tar, fields);
            bool fix = m.Random.Next(2) == 0;
            var bytes = fix ? FixChecksums(mutation.Bytes, headers) : mutation.Bytes;
            return new Mutation($"{format} tar{(fix ? " (checksums fixed)" : "")}: {mutation.Description}", FuzzFile.Gzip(bytes));
        }
    }

    private static readonly DateTimeOffset Fixed = new(2009, 6, 4, 0, 0, 0, TimeSpan.Zero);

    /// <summary>A tar laid out as cifar-10-binary.tar.gz (tiny members), with the offsets of its headers.</summary>
    private static (byte[] Bytes, int[] Headers, TarEntryFormat Format) Tar(TarEntryFormat format)
    {
        using var memory = new MemoryStream();
        using (var writer = new TarWriter(memory, format, leaveOpen: true))
        {
            foreach (var member in MemberNames)
            {
                TarEntry entry = format switch
                {
                    TarEntryFormat.Ustar => new UstarTarEntry(TarEntryType.RegularFile, $"cifar-10-batches-bin/{member}"),
                    TarEntryFormat.Pax => new PaxTarEntry(TarEntryType.RegularFile, $"cifar-10-batches-bin/{member}",
                        new Dictionary<string, string> { ["mtime"] = "1244073600", ["atime"] = "1244073600", ["ctime"] = "1244073600" }),
                    _ => new GnuTarEntry(TarEntryType.RegularFile, $"cifar-10-batches-bin/{member}") { AccessTime = Fixed, ChangeTime = Fixed },
                };
                // Fixed times, so the archive (and with it every mutation's outcome) is the same at every run.
                entry.ModificationTime = Fixed;
                entry.DataStream = new MemoryStream(Encoding.ASCII.GetBytes($"records of {member}"));
                writer.WriteEntry(entry);
            }
        }
        byte[] tar = memory.ToArray();
        var headers = new List<int>();
        for (int at = 0; at + 512 <= tar.Length && tar[at] != 0;)
        {
            headers.Add(at);
            long size = Convert.ToInt64(Encoding.ASCII.GetString(tar, at + 124, 11).Trim('\0', ' '), 8);
            at += 512 + (int)((size + 511) / 512 * 512);
        }
        return (tar, headers.ToArray(), format);
    }

    /// <summary>Recomputes the checksum of every header that is still there, so a mutation reaches the header's other fields.</summary>
    private static byte[] FixChecksums(byte[] tar, int[] headers)
    {
        var bytes = (byte[])tar.Clone();
        foreach (int at in headers.Where(h => h + 512 <= bytes.Length))
        {
            bytes.AsSpan(at + 148, 8).Fill((byte)' ');
            int sum = 0;
            foreach (byte b in bytes.AsSpan(at, 512)) sum += b;
            Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", bytes.AsSpan(at + 148, 8));
        }
        return bytes;
    }
}
