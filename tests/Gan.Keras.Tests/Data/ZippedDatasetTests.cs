using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class ZippedDatasetTests
{
    [Fact]
    public void GetBatches_PairsBatchesUntilTheShorterEnds()
    {
        // Given 5 examples 0..4 and 3 examples 10..12
        using var scope = torch.NewDisposeScope();
        using var first = new InMemoryDataset(torch.arange(5, dtype: torch.float32).reshape(5, 1));
        using var second = new InMemoryDataset(torch.arange(10, 13, dtype: torch.float32).reshape(3, 1));

        // When they are zipped and read in batches of 2, keeping the remainder
        var zipped = Dataset.Zip(first, second);
        var pairs = zipped.GetBatches(2, shuffle: false, dropRemainder: false).ToList();

        // Then two pairs, the second with the shorter dataset's last, smaller batch
        Assert.Equal(3, zipped.Count);
        Assert.Equal(2, pairs.Count);
        Assert.Equal(new float[] { 0, 1 }, pairs[0].First.Features.data<float>().ToArray());
        Assert.Equal(new float[] { 10, 11 }, pairs[0].Second.Features.data<float>().ToArray());
        Assert.Equal(new float[] { 12 }, pairs[1].Second.Features.data<float>().ToArray());
    }

    [Fact]
    public void GetBatches_ShufflesEachDatasetOnItsOwn()
    {
        // Given two datasets with the same examples 0..7
        using var scope = torch.NewDisposeScope();
        using var first = new InMemoryDataset(torch.arange(8, dtype: torch.float32).reshape(8, 1));
        using var second = new InMemoryDataset(torch.arange(8, dtype: torch.float32).reshape(8, 1));

        // When zipped and shuffled
        var pair = Dataset.Zip(first, second).GetBatches(8, generator: new torch.Generator(1)).Single();

        // Then each is a permutation, and the two orders differ (unaligned pairs, as CycleGAN's domains)
        var a = pair.First.Features.data<float>().ToArray();
        var b = pair.Second.Features.data<float>().ToArray();
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (float)i), a.Order());
        Assert.Equal(Enumerable.Range(0, 8).Select(i => (float)i), b.Order());
        Assert.NotEqual(a, b);
    }
}
