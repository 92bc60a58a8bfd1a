using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class InMemoryDatasetTests
{
    private static InMemoryDataset Numbers(int n) =>
        new(torch.arange(n, dtype: torch.float32).reshape(n, 1), torch.arange(n));

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
