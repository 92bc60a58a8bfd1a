using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class BatchedDatasetTests
{
    [Fact]
    public void Batch_YieldsOneEpochPerEnumeration_KeepingTheRemainderByDefault()
    {
        // Given 5 examples
        using var scope = torch.NewDisposeScope();
        using var data = new InMemoryDataset(torch.arange(5, dtype: torch.float32).reshape(5, 1));

        // When batched by 2 as Keras's dataset.batch(2)
        using var batched = data.Batch(2);
        var sizes = batched.Select(b => b.Size).ToList();
        var again = batched.Select(b => b.Size).ToList();

        // Then 2, 2, 1 at every epoch
        Assert.Equal(new long[] { 2, 2, 1 }, sizes);
        Assert.Equal(sizes, again);
        Assert.Equal(3, batched.Count);
    }

    [Fact]
    public void Seed_GivesDifferentEpochs_ThatRepeatFromRunToRun()
    {
        // Given two batched views of 0..9 with the same seed
        using var scope = torch.NewDisposeScope();
        using var data = new InMemoryDataset(torch.arange(10, dtype: torch.float32).reshape(10, 1));
        using var a = data.Batch(10, shuffle: true, seed: 3);
        using var b = data.Batch(10, shuffle: true, seed: 3);

        // When each is read for two epochs
        float[] Epoch(BatchedDataset d) => d.Single().Features.data<float>().ToArray();
        var a1 = Epoch(a);
        var a2 = Epoch(a);
        var b1 = Epoch(b);

        // Then the epochs differ, and the same seed repeats them
        Assert.NotEqual(a1, a2);
        Assert.Equal(a1, b1);
    }

    [Fact]
    public void Batch_RefusesDroppingEverything()
    {
        using var data = new InMemoryDataset(torch.zeros(3, 1));

        var error = Assert.Throws<ArgumentException>(() => data.Batch(4, dropRemainder: true));

        Assert.Contains("at most 3", error.Message, StringComparison.Ordinal);
    }
}
