using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

/// <summary>
/// What the dataset types refuse, each naming the argument, and the edges of what they accept: a batch as large as the
/// dataset, a copy of the caller's tensors, an unlabelled dataset cached, a map returning another dtype.
/// </summary>
public class DatasetArgumentsTests
{
    [Fact]
    public void Dataset_RefusesNoBatchSize_NoIndices_NoFunction_AndNothingToZip()
    {
        using var data = Numbered(6);

        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => data.GetBatches(0)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => data.GetBatchesOf(new long[] { 0 }, 0)).ParamName);
        Assert.Equal("batchSize", Assert.Throws<ArgumentOutOfRangeException>(() => data.Batch(0)).ParamName);
        Assert.Equal("indices", Assert.Throws<ArgumentNullException>(() => data.GetBatchesOf(null!, 2)).ParamName);
        Assert.Equal("function", Assert.Throws<ArgumentNullException>(() => data.Map(null!)).ParamName);
        Assert.Equal("first", Assert.Throws<ArgumentNullException>(() => Dataset.Zip(null!, data)).ParamName);
        Assert.Equal("second", Assert.Throws<ArgumentNullException>(() => Dataset.Zip(data, null!)).ParamName);
    }

    [Fact]
    public void InMemoryDataset_RefusesNoFeatures_OneAxis_NoExamples_AndTakingNone()
    {
        Assert.Equal("features", Assert.Throws<ArgumentNullException>(() => new InMemoryDataset(null!)).ParamName);
        using var flat = torch.zeros(4);
        var oneAxis = Assert.Throws<ArgumentException>(() => new InMemoryDataset(flat));
        Assert.Equal("features", oneAxis.ParamName);
        Assert.Contains("shape [count, ...], but got [4]", oneAxis.Message, StringComparison.Ordinal);
        using var none = torch.zeros(0, 3);
        Assert.Contains("empty", Assert.Throws<ArgumentException>(() => new InMemoryDataset(none)).Message, StringComparison.Ordinal);
        using var data = Numbered(6);
        Assert.Equal("count", Assert.Throws<ArgumentOutOfRangeException>(() => data.Take(0)).ParamName);
    }

    [Fact]
    public void GetBatchesAndBatch_DroppingTheRemainder_AcceptABatchAsLargeAsTheDataset()
    {
        using var data = Numbered(6);

        var batches = data.GetBatches(6, shuffle: false, dropRemainder: true).ToList();
        using var batched = data.Batch(6, dropRemainder: true);

        Assert.Equal(6, Assert.Single(batches).Size);
        Assert.Equal(6, Assert.Single(batched).Size);
    }

    [Fact]
    public void InMemoryDataset_CopiesTheCallersTensors()
    {
        // Given a dataset built from float32 features and int64 labels the caller then changes
        var features = torch.zeros(3, 2);
        var labels = torch.zeros(3, dtype: torch.int64);
        using var data = new InMemoryDataset(features, labels);
        features.add_(1);
        labels.add_(1);

        // Then the dataset still holds the values it was given
        Assert.Equal(0f, data.Features.abs().max().item<float>());
        Assert.Equal(0L, data.Labels!.abs().max().item<long>());
        features.Dispose();
        labels.Dispose();
        Assert.Equal(0f, data.Features.sum().item<float>());
    }

    [Fact]
    public void Take_KeepsTheFirstExamples_OrAllWhenThereAreFewer()
    {
        using var data = Numbered(6);

        using var first = data.Take(4);
        using var all = data.Take(10);

        Assert.Equal(new long[] { 0, 1, 2, 3 }, first.Labels!.data<long>().ToArray());
        Assert.Equal(6, all.Count);
    }

    [Fact]
    public void Cache_KeepsTheOrder_OfAnUnlabelledDatasetOfSeveralBatches()
    {
        // Given 2,500 unlabelled examples mapped (not in memory), more than one cache batch of 1,024
        using var source = new InMemoryDataset(torch.arange(2_500, dtype: torch.float32).reshape(2_500, 1));
        using var doubled = source.Map(x => x * 2);

        // When it is cached
        using var cached = doubled.Cache();

        // Then it is every example, in order, without labels
        Assert.Null(cached.Labels);
        Assert.True(cached.Features.eq(source.Features * 2).all().item<bool>());
    }

    [Fact]
    public void Map_ConvertsAFunctionsOtherDtype_ToFloat32_AndRefusesNullOrAScalar()
    {
        using var data = Numbered(4);

        using var rounded = data.Map(x => x.to_type(torch.int32));
        using var nulled = data.Map(_ => null!);
        using var scalar = data.Map(x => x.sum());

        var batch = Assert.Single(rounded.GetBatches(4, shuffle: false));
        Assert.Equal(torch.float32, batch.Features.dtype);
        Assert.Equal(new[] { 0f, 2f, 4f, 6f }, batch.Features.data<float>().ToArray().Where((_, i) => i % 2 == 0));
        Assert.Contains("into null", Assert.Throws<InvalidOperationException>(() => nulled.GetBatches(4).ToList()).Message, StringComparison.Ordinal);
        Assert.Contains("into []", Assert.Throws<InvalidOperationException>(() => scalar.GetBatches(4).ToList()).Message, StringComparison.Ordinal);
    }

    // Examples [2i, 2i + 1] labelled i.
    private static InMemoryDataset Numbered(int count)
    {
        using var features = torch.arange(2 * count, dtype: torch.float32).reshape(count, 2);
        using var labels = torch.arange(count, dtype: torch.int64);
        return new InMemoryDataset(features, labels);
    }
}
