using Gan.Keras.Data;
using Gan.Keras.Tests.Cli;
using TorchSharp;
using Xunit;
using Xunit.Abstractions;

namespace Gan.Keras.Tests.Data;

public class StreamingDatasetTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(true, false)]
    [InlineData(false, false)]
    [InlineData(true, true)]
    public void StreamedImageFolder_YieldsTheSameBatchesAsTheInMemoryKind_ForTheSameSeed(bool shuffle, bool flatten)
    {
        // Given a folder of 23 colour images, in memory and streamed
        string folder = ColourFolder.Write(23, 16, classes: 3);
        using var memory = ImageFolder.Load(folder, flatten: flatten);
        using var streamed = StreamedImageFolder.Open(folder, flatten: flatten, workers: 2);

        // When both yield two epochs of batches of 5 (remainder kept) from generators with the same seed
        var fromMemory = Epochs(memory, shuffle, seed: 9);
        var fromStream = Epochs(streamed, shuffle, seed: 9);

        // Then every batch is identical, features and labels
        Assert.Equal(memory.ElementShape, streamed.ElementShape);
        Assert.Equal(fromMemory.Count, fromStream.Count);
        for (int i = 0; i < fromMemory.Count; i++)
        {
            Assert.True(fromMemory[i].Features.eq(fromStream[i].Features).all().item<bool>(), $"batch {i} differs");
            Assert.True(fromMemory[i].Labels!.eq(fromStream[i].Labels!).all().item<bool>(), $"labels of batch {i} differ");
        }
        foreach (var batch in fromMemory.Concat(fromStream)) batch.Features.Dispose();
    }

    [Fact]
    public void GetBatchesOf_ReadsTheChosenExamples_AsTheInMemoryKindDoes()
    {
        // Given a folder of 23 colour images, in memory and streamed, and a rank's shard of an epoch drawn as GetBatches draws it
        string folder = ColourFolder.Write(23, 16, classes: 3);
        using var memory = ImageFolder.Load(folder);
        using var streamed = StreamedImageFolder.Open(folder, workers: 2);
        using var generator = new torch.Generator(4, torch.CPU);
        var shard = new Gan.Keras.Training.Distributed.EpochShard(1, 2, 3).Select(memory.DrawOrder(shuffle: true, generator));

        // When both read batches of 3 of those examples
        var fromMemory = memory.GetBatchesOf(shard, 3).ToList();
        var fromStream = streamed.GetBatchesOf(shard, 3).ToList();

        // Then they are the same examples, in the same order (3 whole steps of the 23 examples over 2 ranks of 3)
        Assert.Equal(3, fromMemory.Count);
        Assert.Equal(fromMemory.Count, fromStream.Count);
        for (int i = 0; i < fromMemory.Count; i++)
        {
            Assert.True(fromMemory[i].Features.eq(fromStream[i].Features).all().item<bool>(), $"batch {i} differs");
            Assert.True(fromMemory[i].Labels!.eq(fromStream[i].Labels!).all().item<bool>(), $"labels of batch {i} differ");
        }
        foreach (var batch in fromMemory.Concat(fromStream)) batch.Features.Dispose();
    }

    [Fact]
    public void StreamedCifar10_YieldsTheSameBatchesAsCifar10Load()
    {
        // Given the five training files with 3 records each
        string folder = TestPaths.NewTempFolder();
        for (int i = 1; i <= 5; i++) File.WriteAllBytes(Path.Combine(folder, $"data_batch_{i}.bin"), Cifar10Tests.Records(3, k => (byte)(k + i)));
        using var memory = Cifar10.Load(folder, limit: 14);
        using var streamed = StreamedCifar10.Open(folder, limit: 14);

        // When both are shuffled with the same seed
        var fromMemory = Epochs(memory, shuffle: true, seed: 4);
        var fromStream = Epochs(streamed, shuffle: true, seed: 4);

        // Then the batches are identical
        Assert.Equal(14, streamed.Count);
        for (int i = 0; i < fromMemory.Count; i++)
        {
            Assert.True(fromMemory[i].Features.eq(fromStream[i].Features).all().item<bool>(), $"batch {i} differs");
            Assert.True(fromMemory[i].Labels!.eq(fromStream[i].Labels!).all().item<bool>(), $"labels of batch {i} differ");
        }
    }

    [Fact]
    public void StreamedIdx_YieldsTheSameBatchesAsMnistLoad_AndRefusesATruncatedFile()
    {
        // Given a raw MNIST-format t10k split of 37 images, in memory and streamed through the catalogue
        string folder = TinyMnist.Write(37);
        using var memory = Mnist.Load(folder, "t10k", flatten: false);
        using var streamed = DatasetCatalog.Open("mnist:" + folder, new DatasetOptions { Stream = true });

        // When both are shuffled with the same seed
        var fromMemory = Epochs(memory, shuffle: true, seed: 2);
        var fromStream = Epochs(streamed, shuffle: true, seed: 2);

        // Then it was streamed and the batches are identical
        Assert.IsType<StreamedIdx>(streamed);
        for (int i = 0; i < fromMemory.Count; i++)
        {
            Assert.True(fromMemory[i].Features.eq(fromStream[i].Features).all().item<bool>(), $"batch {i} differs");
            Assert.True(fromMemory[i].Labels!.eq(fromStream[i].Labels!).all().item<bool>(), $"labels of batch {i} differ");
        }
        // and a file cut short is refused when opened, naming it and both lengths
        string images = Path.Combine(folder, "t10k-images-idx3-ubyte");
        File.WriteAllBytes(images, File.ReadAllBytes(images)[..1000]);
        var error = Assert.Throws<InvalidDataException>(() => StreamedIdx.Open(folder, "t10k"));
        Assert.Contains($"'{images}' declares 37 images of 28×28 (29024 bytes with the header) but is 1000 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorruptFile_ReachesTheCallerAsOneErrorNamingIt()
    {
        // Given a folder whose fourth image is not a PNG
        string folder = ColourFolder.Write(6, 8, classes: 1);
        string broken = Directory.GetFiles(Path.Combine(folder, "class0")).Order(StringComparer.Ordinal).ElementAt(3);
        File.WriteAllText(broken, "not an image");
        using var streamed = StreamedImageFolder.Open(folder, workers: 2);

        // When its batches are read
        var error = Assert.Throws<InvalidDataException>(() => streamed.GetBatches(2, shuffle: false).ToList());

        // Then the decoding thread's error names the file
        Assert.Contains(broken, error.Message, StringComparison.Ordinal);
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void Memory_DoesNotGrowWithTheDatasetSize()
    {
        // Given streamed folders of 64x64 colour images, one 8 times the other (decoded: 3 MB and 25 MB of floats)
        string small = ColourFolder.Write(64, 64, classes: 1, seed: 1);
        string large = ColourFolder.Write(512, 64, classes: 1, seed: 2);

        // When an epoch of batches of 16 is read from each, measuring the managed heap after every batch
        long smallPeak = PeakManagedBytes(small);
        long largePeak = PeakManagedBytes(large);
        output.WriteLine($"peak managed heap above the start: {smallPeak / 1e6:F2} MB for 64 images, {largePeak / 1e6:F2} MB for 512 (in memory the images alone are {64 * 3 * 64 * 64 * 4 / 1e6:F1} MB and {512 * 3 * 64 * 64 * 4 / 1e6:F1} MB)");

        // Then the larger dataset needs no more than 2 MB more (a few batches of 0.8 MB are in flight either way)
        Assert.True(largePeak - smallPeak < 2_000_000, $"{largePeak} bytes for 512 images vs {smallPeak} for 64");
    }

    private static long PeakManagedBytes(string folder)
    {
        long start = GC.GetTotalMemory(forceFullCollection: true);
        long peak = 0;
        using var streamed = StreamedImageFolder.Open(folder, prefetch: 2, workers: 2);
        foreach (var batch in streamed.GetBatches(16, shuffle: true, generator: new torch.Generator(1)))
        {
            batch.Features.Dispose();
            batch.Labels?.Dispose();
            peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: true) - start);
        }
        return peak;
    }

    private static List<Batch> Epochs(Dataset dataset, bool shuffle, ulong seed)
    {
        using var generator = new torch.Generator(seed);
        return Enumerable.Range(0, 2).SelectMany(_ => dataset.GetBatches(5, shuffle, generator, dropRemainder: false)).ToList();
    }
}
