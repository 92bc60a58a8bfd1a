using Gan.Keras.Data;
using Xunit;

namespace Gan.Keras.Tests.Data;

/// <summary>Each check of an IDX header, by the bytes that fail it and what the refusal says.</summary>
public class IdxFileHeaderTests
{
    public static TheoryData<string, string> Refusals() => new()
    {
        // Too short to be gzip or IDX: one byte, gzip's first
        { "1f", "too short (1 bytes) to hold the 4-byte magic number" },
        // gzip's first byte but not its second: raw, with a bad magic number
        { "1f 00 08 03", "bad magic number at byte 0 (0x1f000803)" },
        { "00 01 08 03", "bad magic number at byte 0 (0x00010803)" },
        { "00 00 09 01 00 00 00 01 07", "holds data type 0x09 at byte 2" },
        { "00 00 08 00", "has 0 dimensions (byte 3), but at least 1 are expected" },
        // Three dimensions need 12 bytes after the magic number; 6 are there
        { "00 00 08 03 00 00 00 01 00 00", "truncated in its header: 10 bytes, but 3 dimensions need 16" },
        { "00 00 08 02 00 00 00 02 00 00 00 00", "declares dimension 1 as 0 (byte 8); dimensions must be positive" },
        { "00 00 08 01 ff ff ff fe", "declares dimension 0 as -2 (byte 4)" },
        { "00 00 08 01 00 00 00 02 07 08 09", "should hold 2 data bytes for shape [2] after its 8-byte header, but holds 3 (trailing bytes)" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Read_RefusesAHeader_SayingWhichCheckItFailed(string hex, string message)
    {
        // Given a raw file of these bytes
        string path = Path.Combine(TestPaths.NewTempFolder(), "x-idx-ubyte");
        File.WriteAllBytes(path, Convert.FromHexString(hex.Replace(" ", "", StringComparison.Ordinal)));

        // When it is read, then the refusal names the file and the check
        var error = Assert.Throws<InvalidDataException>(() => IdxFile.Read(path));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_AcceptsTheSmallestFile_OneDimensionOfOneByte()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "x-idx1-ubyte");
        File.WriteAllBytes(path, Convert.FromHexString("000008010000000107"));

        var (shape, data) = IdxFile.Read(path, expectedDimensions: 1);

        Assert.Equal(new[] { 1 }, shape);
        Assert.Equal(new byte[] { 7 }, data);
    }

    [Fact]
    public void Read_RefusesNoPath_AndSaysWhenTheFileIsAbsent()
    {
        Assert.Equal("path", Assert.Throws<ArgumentException>(() => IdxFile.Read("")).ParamName);
        string absent = Path.Combine(TestPaths.NewTempFolder(), "absent-idx3-ubyte");
        Assert.Equal(absent, Assert.Throws<FileNotFoundException>(() => IdxFile.Read(absent)).FileName);
    }
}
