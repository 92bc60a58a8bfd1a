using System.Text;
using Gan.Keras.Export.TensorBoard;
using Xunit;

namespace Gan.Keras.Tests.Export.TensorBoard;

public class TfRecordTests
{
    [Fact]
    public void MaskedCrc32C_MatchesTheCastagnoliCheckValueAndTensorFlowsMask()
    {
        // CRC-32C("123456789") = 0xE3069283 (the standard check value); masked as TensorFlow does.
        uint crc = 0xE3069283u;
        uint expected = unchecked(((crc >> 15) | (crc << 17)) + 0xa282ead8u);
        Assert.Equal(expected, TfRecord.MaskedCrc32C(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void ReadAll_ReadsBackWhatWriteWrote()
    {
        string path = Path.Combine(TestPaths.NewTempFolder(), "r.tfrecord");
        using (var stream = File.Create(path))
        {
            TfRecord.Write(stream, Encoding.ASCII.GetBytes("hello"));
            TfRecord.Write(stream, Array.Empty<byte>());
        }
        var records = TfRecord.ReadAll(path);
        Assert.Equal(new[] { "hello", string.Empty }, records.Select(r => Encoding.ASCII.GetString(r)));
        Assert.Equal(16 + 5 + 16, new FileInfo(path).Length);
    }

    [Fact]
    public void ReadAll_NamesTheRecordOffset_WhenDataIsCorrupt()
    {
        // Given two records, the second with one data byte flipped
        string path = Path.Combine(TestPaths.NewTempFolder(), "r.tfrecord");
        using (var stream = File.Create(path))
        {
            TfRecord.Write(stream, Encoding.ASCII.GetBytes("first"));
            TfRecord.Write(stream, Encoding.ASCII.GetBytes("second"));
        }
        byte[] bytes = File.ReadAllBytes(path);
        bytes[21 + 12] ^= 0x20;
        File.WriteAllBytes(path, bytes);

        // When it is read, then the error names the file and the record's byte offset
        var error = Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(path));
        Assert.Contains($"'{path}': the data CRC of the record at byte 21", error.Message);
    }

    [Theory]
    [InlineData(12)]
    [InlineData(15)]
    public void ReadAll_RefusesARecordHeaderWithNoRoomForItsDataCrc(int length)
    {
        // Given a file of 12 to 15 bytes: a record header claiming 0 data bytes, with a valid length CRC, and no data CRC
        string path = Path.Combine(TestPaths.NewTempFolder(), "short.tfrecord");
        using (var stream = new MemoryStream())
        {
            TfRecord.Write(stream, Array.Empty<byte>());
            File.WriteAllBytes(path, stream.ToArray()[..length]);
        }

        // When it is read
        var error = Assert.Throws<InvalidDataException>(() => TfRecord.ReadAll(path));

        // Then it is refused as truncated, naming the file and the record's offset
        Assert.Contains($"'{path}': record at byte 0 claims 0 data bytes", error.Message, StringComparison.Ordinal);
    }
}
