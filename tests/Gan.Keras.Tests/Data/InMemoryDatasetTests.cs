using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class InMemoryDatasetTests
{
    private static InMemoryDataset Numbers(int n) =>
        new(torch.arange(n, dtype: torch.float32).reshape(n, 1), torch.arange(n));

    [Fact]
    public void DrawOrderAndGetBatchesOf_GiveTheBatchesGetBatchesGives_AndAdvanceTheGeneratorAlike()
    {
        // Given two generators with the same seed
        using var data = Numbers(10);
        using var first = new torch.Generator(3, torch.CPU);
        using var second = new torch.Generator(3, torch.CPU);

        // When one epoch is read with GetBatches, and the same epoch as a drawn order read with GetBatchesOf
        var whole = data.GetBatches(4, shuffle: true, first).Select(b => b.Labels!.data<long>().ToArray()).ToList();
        var chosen = data.GetBatchesOf(data.DrawOrder(shuffle: true, second), 4).Select(b => b.Labels!.data<long>().ToArray()).ToList();

        // Then the batches are the same and both generators are in the same state
        Assert.Equal(whole, chosen);
        Assert.Equal(first.get_state().bytes.ToArray(), second.get_state().bytes.ToArray());
        Assert.Equal(Enumerable.Range(0, 10).Select(i => (long)i), data.DrawOrder(shuffle: false));
    }

    [Fact]
    public void GetBatchesOf_RefusesAnIndexOutsideTheDataset()
    {
        using var data = Numbers(10);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => data.GetBatchesOf(new long[] { 1, 10 }, 2));
        Assert.Contains("Example index 10 is outside dataset", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetBatches_DropsTheRemainder_WhenAsked()
    {
        using var data = Numbers(10);

        var sizes = data.GetBatches(4, shuffle: false, dropRemainder: true).Select(b => b.Size).ToArray();
        var all = data.GetBatches(4, shuffle: false, dropRemainder: false).Select(b => b.Size).ToArray();

        Assert.Equal(new long[] { 4, 4 }, sizes);
        Assert.Equal(new long[] { 4, 4, 2 }, all);
    }

    [Fact]
    public void GetBatches_ShufflesReproduciblyWithASeededGenerator_KeepingLabelsAligned()
    {
        using var data = Numbers(20);
        float[] Order(ulong seed)
        {
            using var generator = new torch.Generator(seed, torch.CPU);
            return data.GetBatches(5, true, generator).SelectMany(b =>
            {
                Assert.Equal(b.Features.reshape(-1).data<float>().ToArray(), b.Labels!.to_type(torch.float32).data<float>().ToArray());
                return b.Features.reshape(-1).data<float>().ToArray();
            }).ToArray();
        }

        var first = Order(1);

        Assert.Equal(first, Order(1));
        Assert.NotEqual(first, Order(2));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => (float)i), first.Order());
    }

    [Fact]
    public void GetBatches_ExplainsBatchLargerThanDataset()
    {
        using var data = Numbers(3);

        var ex = Assert.Throws<ArgumentException>(() => data.GetBatches(8).ToList());

        Assert.Contains("at most 3", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Constructor_RejectsLabelsOfTheWrongLength()
    {
        var ex = Assert.Throws<ArgumentException>(() => new InMemoryDataset(torch.zeros(4, 2), torch.zeros(3)));

        Assert.Contains("[4]", ex.Message, StringComparison.Ordinal);
    }
}
