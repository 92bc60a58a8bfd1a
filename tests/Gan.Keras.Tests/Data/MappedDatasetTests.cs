using Gan.Keras.Data;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Data;

public class MappedDatasetTests
{
    [Fact]
    public void Map_AppliesTheFunctionToEveryBatch_KeepingLabelsAndOrder()
    {
        // Given pixels 0, 51, 102, 153, 204, 255 with labels 0..5
        using var scope = torch.NewDisposeScope();
        using var source = new InMemoryDataset(torch.tensor(new float[] { 0, 51, 102, 153, 204, 255 }).reshape(6, 1), torch.arange(6));

        // When they are mapped to [−1, 1] and read in batches of 4
        var mapped = source.Map(x => x / 127.5 - 1);
        var batches = mapped.GetBatches(4, shuffle: false, dropRemainder: false).ToList();

        // Then
        Assert.Equal(new float[] { -1, -0.6f, -0.2f, 0.2f }, batches[0].Features.data<float>().ToArray().Select(v => MathF.Round(v, 5)));
        Assert.Equal(new long[] { 4, 5 }, batches[1].Labels!.data<long>().ToArray());
        Assert.Equal(6, mapped.Count);
        Assert.True(mapped.HasLabels);
    }

    [Fact]
    public void ElementShape_IsTheMappedShape()
    {
        // Given 1x4x4 images cropped to their centre by the function
        using var scope = torch.NewDisposeScope();
        using var source = new InMemoryDataset(torch.randn(3, 1, 4, 4));

        // When
        var mapped = source.Map(x => x[.., .., 1..3, 1..3], name: "centres");

        // Then
        Assert.Equal(new long[] { 1, 2, 2 }, mapped.ElementShape);
        Assert.Equal("centres", mapped.Name);
    }

    [Fact]
    public void Map_ShufflesAsItsSource_ForTheSameGenerator()
    {
        // Given a dataset and its identity map
        using var scope = torch.NewDisposeScope();
        using var source = new InMemoryDataset(torch.arange(10, dtype: torch.float32).reshape(10, 1));
        var mapped = source.Map(x => x * 1);

        // When both are shuffled from generators with the same seed
        var a = source.GetBatches(10, generator: new torch.Generator(4)).Single().Features;
        var b = mapped.GetBatches(10, generator: new torch.Generator(4)).Single().Features;

        // Then they give the same order
        Assert.Equal(a.data<float>().ToArray(), b.data<float>().ToArray());
    }

    [Fact]
    public void Map_RefusesAFunctionThatChangesTheBatchSize()
    {
        using var source = new InMemoryDataset(torch.zeros(4, 2));
        var mapped = source.Map(x => x.sum(0, keepdim: true), name: "summed");

        var error = Assert.Throws<InvalidOperationException>(() => mapped.GetBatches(2).ToList());

        Assert.Contains("'summed'", error.Message, StringComparison.Ordinal);
        Assert.Contains("same first dimension", error.Message, StringComparison.Ordinal);
    }
}
