using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class Cifar10Tests
{
    [Fact]
    public void Load_ReadsLabelsAndChannelMajorPixels()
    {
        // Given a test_batch.bin of three records: label k, red plane 0, green plane 255, blue plane 10·k
        string folder = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(3, k => (byte)k));

        // When the test split is loaded
        using var data = Cifar10.Load(folder, "test");

        // Then images are [3, 32, 32] scaled to [−1, 1] with the planes in R, G, B order
        Assert.Equal(new long[] { 3, 3, 32, 32 }, data.Features.shape);
        Assert.Equal(new long[] { 0, 1, 2 }, data.Labels!.data<long>().ToArray());
        Assert.Equal(-1f, data.Features[2, 0, 5, 7].item<float>());
        Assert.Equal(1f, data.Features[2, 1, 31, 0].item<float>());
        Assert.Equal(20 / 127.5f - 1, data.Features[2, 2, 0, 31].item<float>(), 6);
    }

    [Fact]
    public void Load_FindsBatchesBinSubfolder_AndReadsTrainFilesInOrder()
    {
        // Given the five training files inside cifar-10-batches-bin, each with 2 records labelled by batch number
        string root = TestPaths.NewTempFolder();
        string folder = Directory.CreateDirectory(Path.Combine(root, "cifar-10-batches-bin")).FullName;
        for (int i = 1; i <= 5; i++) File.WriteAllBytes(Path.Combine(folder, $"data_batch_{i}.bin"), Records(2, _ => (byte)i));

        // When the parent folder is loaded with a limit of 7
        using var data = Cifar10.Load(root, "train", flatten: true, limit: 7);

        // Then the records come from batch 1, 2, 3, 4 in order
        Assert.Equal(new long[] { 7, 3072 }, data.Features.shape);
        Assert.Equal(new long[] { 1, 1, 2, 2, 3, 3, 4 }, data.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void Load_RaisesErrorNamingFileAndOffset_WhenFileIsTruncated()
    {
        // Given a file with two whole records and 100 more bytes
        string folder = TestPaths.NewTempFolder();
        var bytes = Records(3, _ => 1).AsSpan(0, 2 * Cifar10.RecordLength + 100).ToArray();
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), bytes);

        // When it is loaded
        var error = Assert.Throws<InvalidDataException>(() => Cifar10.Load(folder, "test"));

        // Then the message names the file, the cut record and its byte offset
        Assert.Contains("test_batch.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains($"record 2 starting at byte offset {2 * Cifar10.RecordLength}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_RaisesErrorNamingOffset_WhenLabelIsOutOfRange()
    {
        // Given a second record labelled 42
        string folder = TestPaths.NewTempFolder();
        File.WriteAllBytes(Path.Combine(folder, "test_batch.bin"), Records(2, k => k == 1 ? (byte)42 : (byte)0));

        // When it is loaded
        var error = Assert.Throws<InvalidDataException>(() => Cifar10.Load(folder, "test"));

        // Then the message gives the label, the file and the offset
        Assert.Contains("label 42", error.Message, StringComparison.Ordinal);
        Assert.Contains($"byte offset {Cifar10.RecordLength}", error.Message, StringComparison.Ordinal);
        Assert.Contains("test_batch.bin", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SaysHowToGetTheData_WhenFilesAreAbsent()
    {
        // Given / When an empty folder is loaded
        var error = Assert.Throws<FileNotFoundException>(() => Cifar10.Load(TestPaths.NewTempFolder(), "train"));

        // Then the message names the missing file and the fix
        Assert.Contains("data_batch_1.bin", error.Message, StringComparison.Ordinal);
        Assert.Contains("DatasetOptions.Download", error.Message, StringComparison.Ordinal);
    }

    internal static byte[] Records(int count, Func<int, byte> label)
    {
        var bytes = new byte[count * Cifar10.RecordLength];
        for (int k = 0; k < count; k++)
        {
            int offset = k * Cifar10.RecordLength;
            bytes[offset] = label(k);
            bytes.AsSpan(offset + 1 + 1024, 1024).Fill(255);
            bytes.AsSpan(offset + 1 + 2048, 1024).Fill((byte)(10 * k));
        }
        return bytes;
    }
}
