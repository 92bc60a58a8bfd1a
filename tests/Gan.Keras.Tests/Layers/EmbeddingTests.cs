using Gan.Keras.Tests.Export.Onnx;
using Gan.Keras.Export.Onnx;
using Gan.Keras.Models;
using Gan.Keras.Layers.Initializers;
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

    [Fact]
    public void Constructor_RefusesNonPositiveSizes_NamingTheArgument()
    {
        Assert.Equal("inputDim", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(0, 2)).ParamName);
        Assert.Equal("outputDim", Assert.Throws<ArgumentOutOfRangeException>(() => new Embedding(2, 0)).ParamName);
    }

    [Fact]
    public void EmbeddingsInitializer_FillsTheTable()
    {
        using var embedding = new Embedding(3, 2, embeddingsInitializer: new Ones());

        embedding.Build(Array.Empty<long>());

        Assert.Equal(Enumerable.Repeat(1f, 6), embedding.Embeddings.data<float>().ToArray());
    }

    [Fact]
    public void Call_LooksUpIndicesAwayFromZero_AndTruncatesFloats()
    {
        // Given a table whose row i is [i, −i]
        using var embedding = new Embedding(4, 2, name: "e");
        embedding.Build(Array.Empty<long>());
        using (torch.no_grad()) embedding.Embeddings.copy_(torch.tensor(new float[] { 0, 0, 1, -1, 2, -2, 3, -3 }, new long[] { 4, 2 }));

        // When indices 1..3 are looked up, as integers and as floats
        using var rows = embedding.Call(torch.tensor(new long[] { 2, 1, 3 }));
        using var truncated = embedding.Call(torch.tensor(new float[] { 2.9f, 1.2f, 3 }));

        // Then
        Assert.Equal(new float[] { 2, -2, 1, -1, 3, -3 }, rows.data<float>().ToArray());
        Assert.Equal(rows.data<float>().ToArray(), truncated.data<float>().ToArray());
    }

    [Fact]
    public void Call_RaisesClearError_OnANegativeIndex()
    {
        using var embedding = new Embedding(10, 4, name: "labels");

        var error = Assert.Throws<ArgumentException>(() => embedding.Call(torch.tensor(new long[] { -1, 2 })));

        Assert.Equal("inputs", error.ParamName);
        Assert.Contains("Layer 'labels' (Embedding) has 10 rows, so indices must be in [0, 10), but received values from -1 to 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Call_OnAnEmptyBatch_GivesAnEmptyBatch()
    {
        using var embedding = new Embedding(4, 3);

        using var output = embedding.Call(torch.zeros(new long[] { 0, 2 }, torch.int64));

        Assert.Equal(new long[] { 0, 2, 3 }, output.shape);
    }

    [Fact]
    public void Call_RaisesClearError_OnIndicesOfRank3()
    {
        using var embedding = new Embedding(4, 3, name: "labels");

        var error = Assert.Throws<IncompatibleInputException>(() => embedding.Call(torch.zeros(new long[] { 2, 3, 4 }, torch.int64)));

        Assert.Equal("Layer 'labels' (Embedding) expects indices [batch] or [batch, length], but received (None, 3, 4).", error.Message);
    }

    [Fact]
    public void CallWithKernel_BuildsTheLayerFirst_AndChecksTheInput()
    {
        // Given an unbuilt Embedding and a table to use instead of its own
        using var embedding = new Embedding(3, 1);
        using var table = torch.tensor(new float[] { 10, 20, 30 }, new long[] { 3, 1 });
        var withKernel = (IKernelLayer)embedding;

        // When
        using var rows = withKernel.CallWithKernel(torch.tensor(new long[] { 2, 0 }), table, false);
        var error = Assert.Throws<IncompatibleInputException>(() => withKernel.CallWithKernel(torch.zeros(new long[] { 2, 2 }, torch.int64), table, false));

        // Then
        Assert.True(embedding.Built);
        Assert.Equal(new float[] { 30, 10 }, rows.data<float>().ToArray());
        Assert.Contains("was built for input shape (None), but received shape [2, 2]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetConfig_RoundTripsTheSizes()
    {
        using var embedding = new Embedding(7, 3, name: "labels");

        var config = embedding.GetConfig();

        Assert.Equal(new EmbeddingConfig(7, 3, "labels"), config);
        Assert.Equal((7, 3), (((Embedding)config.CreateLayer()).InputDim, ((Embedding)config.CreateLayer()).OutputDim));
    }

    [Fact]
    public void Onnx_MatchesInference_OnLabels()
    {
        // Given a conditional generator that multiplies the latent vector by its label's embedding
        torch.manual_seed(13);
        var z = Keras.Input([3], name: "latent");
        var label = Keras.Input([1], torch.int64, name: "labels");
        var joined = new Multiply().Call(z, new Flatten().Call(new Embedding(4, 3).Call(label)));
        var generator = new Functional([z, label], new Dense(2).Call(joined), name: "generator");
        var x = Keras.Input([2]);
        using var gan = new GanModel(generator, new Functional(x, new Dense(1).Call(x)), [GeneratorInput.Latent(3), GeneratorInput.Labels(4)], seed: 1);
        using var runner = new OnnxRunner(OnnxExporter.ExportGeneratorToBytes(gan));
        var latent = torch.randn(5, 3);
        var labels = torch.tensor(new long[] { 0, 3, 1, 2, 3 });

        // When both run
        var expected = gan.GenerateFrom(latent, labels);
        var actual = runner.Run(new Dictionary<string, torch.Tensor> { ["latent"] = latent, ["labels"] = labels.reshape(5, 1) });

        // Then
        Assert.True((expected - actual).abs().max().item<float>() <= 1e-5);
    }

    [Fact]
    public void ExportOnnx_RefusesANullContext()
    {
        using var embedding = new Embedding(2, 2);

        Assert.Equal("onnx", Assert.Throws<ArgumentNullException>(() => embedding.ExportOnnx(null!, "x")).ParamName);
    }
}
