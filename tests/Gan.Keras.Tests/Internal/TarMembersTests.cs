using System.Formats.Tar;
using System.Text;
using Gan.Keras.Internal;
using Xunit;

namespace Gan.Keras.Tests.Internal;

public class TarMembersTests
{
    private static readonly string LongName = "cifar-10-batches-bin/" + new string('d', 120) + "/data.bin";

    [Theory]
    [InlineData(TarEntryFormat.V7)]
    [InlineData(TarEntryFormat.Ustar)]
    [InlineData(TarEntryFormat.Pax)]
    [InlineData(TarEntryFormat.Gnu)]
    public void Read_GivesEveryRegularFileWithItsNameAndBytes_AsTarWriterWroteThem(TarEntryFormat format)
    {
        // Given a tar with two regular files (one with a name over 100 characters where the format allows), a folder and an unread member
        var names = new List<string> { "a/one.bin", "a/two.bin", "a/skipped.bin" };
        if (format != TarEntryFormat.V7) names.Add(LongName);
        using var tar = new MemoryStream();
        using (var writer = new TarWriter(tar, format, leaveOpen: true))
        {
            writer.WriteEntry(Entry(format, TarEntryType.Directory, "a/", null));
            var regular = format == TarEntryFormat.V7 ? TarEntryType.V7RegularFile : TarEntryType.RegularFile;
            foreach (var name in names)
                writer.WriteEntry(Entry(format, regular, name, Encoding.ASCII.GetBytes(new string('x', name.Length * 7))));
        }
        tar.Position = 0;

        // When it is read, leaving one member unread
        var read = new Dictionary<string, int>();
        TarMembers.Read(tar, "t.tar", (name, data) =>
        {
            if (name.EndsWith("skipped.bin", StringComparison.Ordinal)) return;
            using var copy = new MemoryStream();
            data.CopyTo(copy);
            read[name] = (int)copy.Length;
        });

        // Then every other regular file came with its full name and its bytes
        foreach (var name in names.Where(n => !n.EndsWith("skipped.bin", StringComparison.Ordinal)))
            Assert.Equal(name.Length * 7, read[name]);
        Assert.DoesNotContain("a/", read.Keys);
    }

    [Fact]
    public void Read_RefusesAPaxHeaderDeclaringTwoGigabytes_WithoutAllocatingThem()
    {
        // Given a 512-byte pax extended header that declares 2,000,000,000 bytes of attributes, and nothing after it
        var header = Header('x', "PaxHeaders/x", 2_000_000_000);

        // When it is read
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Assert.Throws<InvalidDataException>(() => TarMembers.Read(new MemoryStream(header), "evil.tar", (_, _) => { }));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Then it is refused, naming the archive and the header's offset, after allocating almost nothing
        Assert.Contains("'evil.tar'", error.Message, StringComparison.Ordinal);
        Assert.Contains("at byte 0", error.Message, StringComparison.Ordinal);
        Assert.True(allocated < 1 << 20, $"allocated {allocated:N0} bytes for a 512-byte archive");
    }

    [Theory]
    [InlineData(100, "ends 100 bytes into a 512-byte header")]
    [InlineData(512 + 10, "ends 90 bytes before the end of 'a.bin'")]
    public void Read_RefusesATruncatedArchive_NamingWhereItEnds(int length, string expected)
    {
        // Given a tar cut inside its first header, or inside its first member's 100 bytes
        var tar = Header('0', "a.bin", 100).Concat(new byte[100]).ToArray();

        // When it is read (the member's data copied out)
        var error = Assert.Throws<InvalidDataException>(() => TarMembers.Read(new MemoryStream(tar[..length]), "cut.tar", (_, data) => data.CopyTo(Stream.Null)));

        // Then the message says where it ended
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_RefusesAHeaderWithABadChecksum()
    {
        // Given a header whose name was changed after its checksum was computed
        var tar = Header('0', "a.bin", 0);
        tar[0] = (byte)'b';

        // When it is read
        var error = Assert.Throws<InvalidDataException>(() => TarMembers.Read(new MemoryStream(tar), "bad.tar", (_, _) => { }));

        // Then the checksum is named
        Assert.Contains("checksum", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A ustar header with a valid checksum.</summary>
    internal static byte[] Header(char type, string name, long size)
    {
        var header = new byte[512];
        Encoding.ASCII.GetBytes(name, header);
        Encoding.ASCII.GetBytes("0000644\0", header.AsSpan(100));
        Encoding.ASCII.GetBytes(Convert.ToString(size, 8).PadLeft(11, '0') + "\0", header.AsSpan(124));
        header[156] = (byte)type;
        Encoding.ASCII.GetBytes("ustar\u000000", header.AsSpan(257));
        header.AsSpan(148, 8).Fill((byte)' ');
        int sum = header.Sum(b => b);
        Encoding.ASCII.GetBytes(Convert.ToString(sum, 8).PadLeft(6, '0') + "\0 ", header.AsSpan(148));
        return header;
    }

    private static TarEntry Entry(TarEntryFormat format, TarEntryType type, string name, byte[]? data)
    {
        TarEntry entry = format switch
        {
            TarEntryFormat.V7 => new V7TarEntry(type, name),
            TarEntryFormat.Ustar => new UstarTarEntry(type, name),
            TarEntryFormat.Pax => new PaxTarEntry(type, name),
            _ => new GnuTarEntry(type, name),
        };
        if (data is not null) entry.DataStream = new MemoryStream(data);
        return entry;
    }
}
