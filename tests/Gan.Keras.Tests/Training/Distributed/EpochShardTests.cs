using Gan.Keras.Training.Distributed;
using Xunit;

namespace Gan.Keras.Tests.Training.Distributed;

public class EpochShardTests
{
    [Theory]
    [InlineData(2, 3, 1, 20)]
    [InlineData(3, 4, 1, 50)]
    [InlineData(2, 2, 5, 47)]
    public void RanksSlices_AreTheOneProcessGlobalBatches_UpdateForUpdate(int ranks, int batch, int updates, int count)
    {
        // Given an epoch's order of `count` examples, shuffled
        var order = Enumerable.Range(0, count).Select(i => (long)(i * 7919 % count)).ToArray();
        var shards = Enumerable.Range(0, ranks).Select(r => new EpochShard(r, ranks, batch, updates)).ToArray();

        // When every rank selects its examples
        var selected = shards.Select(s => s.Select(order)).ToArray();

        // Then step s, update u on rank r is slice r of the single process's global batch for that update (ranks·batch examples)
        long steps = count / (ranks * batch * updates);
        Assert.All(shards, s => Assert.Equal(steps, s.StepCount(count)));
        for (int step = 0; step < steps; step++)
            for (int update = 0; update < updates; update++)
            {
                var global = order.Skip((step * updates + update) * ranks * batch).Take(ranks * batch);
                var union = Enumerable.Range(0, ranks).SelectMany(r => selected[r].Skip(step * updates * batch + update * batch).Take(batch));
                Assert.Equal(global, union);
            }
        // And no example is used twice, and only whole steps are kept
        var all = selected.SelectMany(s => s).ToArray();
        Assert.Equal(all.Length, all.Distinct().Count());
        Assert.Equal(steps * updates * ranks * batch, all.Length);
    }

    [Fact]
    public void Constructor_RejectsARankOutsideTheRun()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpochShard(2, 2, 8));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EpochShard(0, 2, 0));
    }
}
