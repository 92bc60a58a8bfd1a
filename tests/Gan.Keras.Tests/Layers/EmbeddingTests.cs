using Gan.Keras.Layers;
using TorchSharp;
using Xunit;

namespace Gan.Keras.Tests.Layers;

public class EmbeddingTests
{
    [Fact]
    public void MeetsLayerContract_OnLabels()
    {
        // Given 10 classes embedded in 16 dimensions; labels [6]
        // When / Then
        LayerHarness.Run(new LayerCase(() => new Embedding(10, 16), () => new[] { torch.tensor(new long[] { 0, 3, 9, 3, 1, 2 }) }, new long[] { 6, 16 }, 160, 160));
    }

    [Fact]
    public void MeetsLayerContract_OnSequences()
    {
        // Given / When / Then
        LayerHarness.Run(new LayerCase(() => new Embedding(5, 3), () => new[] { torch.tensor(new long[] { 0, 1, 2, 3, 4, 0 }).reshape(2, 3) }, new long[] { 2, 3, 3 }, 15, 15));
    }

    [Fact]
    public void Call_ReturnsTheTableRows()
    {
        // Given
        using var scope = torch.NewDisposeScope();
        using var embedding = new Embedding(4, 2);
        var labels = torch.tensor(new long[] { 3, 0 });

        // When
        var vectors = embedding.Call(labels);

        // Then
        Assert.True(vectors[0].allclose(embedding.Embeddings[3]));
        Assert.True(vectors[1].allclose(embedding.Embeddings[0]));
        Assert.InRange(embedding.Embeddings.abs().max().item<float>(), 0, 0.05f);
    }

    [Fact]
    public void Call_RaisesClearError_WhenIndexIsOutOfRange()
    {
        // Given
        using var embedding = new Embedding(10, 4, name: "labels");

        // When
        var error = Assert.Throws<ArgumentException>(() => embedding.Call(torch.tensor(new long[] { 2, 10 })));

        // Then
        Assert.Contains("indices must be in [0, 10), but received values from 2 to 10", error.Message, StringComparison.Ordinal);
    }
}
